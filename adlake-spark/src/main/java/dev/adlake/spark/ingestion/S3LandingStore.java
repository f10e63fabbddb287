package dev.adlake.spark.ingestion;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.NotFoundException;
import dev.adlake.core.config.LakeConfig;
import dev.adlake.core.feed.LandingStore;
import dev.adlake.core.feed.LocalLandingStore;
import dev.adlake.spark.common.S3Clients;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A landing zone under an {@code s3a://bucket/prefix}. Handled objects are moved to the archive or
 * error location: within S3 (a server-side copy) when it is an {@code s3a://} prefix, else
 * downloaded whole to the local folder; only then removed from the landing prefix.
 */
public final class S3LandingStore implements LandingStore, AutoCloseable {
  private final S3Client client;
  private final String bucket;
  private final String prefix;

  public S3LandingStore(URI location, LakeConfig s3) {
    this.client = S3Clients.of(s3);
    this.bucket = location.getHost();
    String path = location.getPath() == null ? "" : location.getPath().replaceAll("^/+", "");
    this.prefix = path.isEmpty() || path.endsWith("/") ? path : path + "/";
  }

  @Override
  public List<StoredObject> list() {
    List<StoredObject> objects = new ArrayList<>();
    try {
      for (S3Object object :
          client
              .listObjectsV2Paginator(request -> request.bucket(bucket).prefix(prefix))
              .contents()) {
        String key = object.key().substring(prefix.length());
        if (key.isEmpty() || key.endsWith("/")) {
          continue;
        }
        objects.add(new StoredObject(key, object.size(), object.lastModified()));
      }
    } catch (SdkException e) {
      throw new ExternalFailureException(
          "Cannot list s3a://%s/%s: %s".formatted(bucket, prefix, e.getMessage()), e);
    }
    objects.sort(Comparator.comparing(StoredObject::key));
    return objects;
  }

  @Override
  public InputStream open(String key) {
    try {
      return client.getObject(request -> request.bucket(bucket).key(prefix + key));
    } catch (NoSuchKeyException e) {
      throw new NotFoundException(
          "Cannot read %s: it is no longer in s3a://%s/%s".formatted(key, bucket, prefix));
    } catch (SdkException e) {
      throw new ExternalFailureException("Cannot read %s: %s".formatted(key, e.getMessage()), e);
    }
  }

  @Override
  public URI uri(String key) {
    return URI.create("s3a://" + bucket + "/" + prefix + key);
  }

  @Override
  public boolean exists(String key) {
    return stat(key).isPresent();
  }

  @Override
  public Optional<StoredObject> stat(String key) {
    try {
      HeadObjectResponse head =
          client.headObject(request -> request.bucket(bucket).key(prefix + key));
      return Optional.of(new StoredObject(key, head.contentLength(), head.lastModified()));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw new ExternalFailureException("Cannot read %s: %s".formatted(key, e.getMessage()), e);
    }
  }

  @Override
  public String moveTo(String key, URI root, String suffixIfTaken) {
    if ("s3a".equals(root.getScheme())) {
      return moveWithinS3(key, root, suffixIfTaken);
    }
    Path target = LocalLandingStore.freeTarget(Path.of(root), key, suffixIfTaken);
    try {
      Files.createDirectories(target.getParent());
      Path partial = target.resolveSibling(target.getFileName() + ".tmp");
      try (InputStream in = open(key)) {
        Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
      }
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
      // Only once the copy is complete on disk is the object removed from the bucket.
      client.deleteObject(request -> request.bucket(bucket).key(prefix + key));
      return target.toString();
    } catch (IOException | SdkException e) {
      throw new ExternalFailureException(
          "Cannot move s3a://%s/%s%s to %s: %s"
              .formatted(bucket, prefix, key, target, e.getMessage()),
          e);
    }
  }

  /** A server-side copy to the archive or error prefix, then the landed object is removed. */
  private String moveWithinS3(String key, URI root, String suffixIfTaken) {
    Place target = Place.of(root, key);
    try {
      if (exists(target)) {
        target = new Place(target.bucket(), target.key() + suffixIfTaken);
      }
      Place to = target;
      client.copyObject(
          request ->
              request
                  .sourceBucket(bucket)
                  .sourceKey(prefix + key)
                  .destinationBucket(to.bucket())
                  .destinationKey(to.key()));
      client.deleteObject(request -> request.bucket(bucket).key(prefix + key));
      return to.uri();
    } catch (SdkException e) {
      throw new ExternalFailureException(
          "Cannot move s3a://%s/%s%s to %s: %s"
              .formatted(bucket, prefix, key, target.uri(), e.getMessage()),
          e);
    }
  }

  @Override
  public String movedLocation(String key, URI root, String suffixIfTaken) {
    if ("s3a".equals(root.getScheme())) {
      Place plain = Place.of(root, key);
      Place suffixed = new Place(plain.bucket(), plain.key() + suffixIfTaken);
      return (exists(suffixed) ? suffixed : plain).uri();
    }
    return LocalLandingStore.moved(Path.of(root), key, suffixIfTaken).toString();
  }

  @Override
  public boolean isStored(String stored) {
    if (stored.startsWith("s3a://")) {
      return exists(Place.of(URI.create(stored), ""));
    }
    return Files.isRegularFile(Path.of(stored));
  }

  @Override
  public void restore(String stored, String key) {
    try {
      if (stored.startsWith("s3a://")) {
        Place from = Place.of(URI.create(stored), "");
        client.copyObject(
            request ->
                request
                    .sourceBucket(from.bucket())
                    .sourceKey(from.key())
                    .destinationBucket(bucket)
                    .destinationKey(prefix + key));
        client.deleteObject(request -> request.bucket(from.bucket()).key(from.key()));
        return;
      }
      client.putObject(
          request -> request.bucket(bucket).key(prefix + key),
          RequestBody.fromFile(Path.of(stored)));
      Files.delete(Path.of(stored));
    } catch (IOException | SdkException e) {
      throw new ExternalFailureException(
          "Cannot move %s back to s3a://%s/%s%s: %s"
              .formatted(stored, bucket, prefix, key, e.getMessage()),
          e);
    }
  }

  @Override
  public void put(String key, InputStream bytes, long size) {
    try {
      // One PUT: S3 shows the object whole or not at all.
      client.putObject(
          request -> request.bucket(bucket).key(prefix + key),
          RequestBody.fromInputStream(bytes, size));
    } catch (SdkException e) {
      throw new ExternalFailureException(
          "Cannot write s3a://%s/%s%s: %s".formatted(bucket, prefix, key, e.getMessage()), e);
    }
  }

  private boolean exists(Place place) {
    try {
      client.headObject(request -> request.bucket(place.bucket()).key(place.key()));
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  /** An object's bucket and key. */
  private record Place(String bucket, String key) {
    /** The object at a key under an {@code s3a://bucket/prefix}. */
    static Place of(URI root, String key) {
      String path = root.getPath() == null ? "" : root.getPath().replaceAll("^/+", "");
      if (!key.isEmpty() && !path.isEmpty() && !path.endsWith("/")) {
        path += "/";
      }
      return new Place(root.getHost(), path + key);
    }

    String uri() {
      return "s3a://" + bucket + "/" + key;
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
