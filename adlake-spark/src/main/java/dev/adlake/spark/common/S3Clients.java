package dev.adlake.spark.common;

import dev.adlake.core.config.LakeConfig;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/** S3 clients of the AWS SDK, configured as adlake's S3 settings say. */
public final class S3Clients {
  private S3Clients() {}

  /**
   * A client with the lake's S3 settings ({@code lake.s3.*}): endpoint, region, path-style
   * addressing, and its keys when both are set, else the AWS default credential chain.
   */
  public static S3Client of(LakeConfig s3) {
    S3ClientBuilder builder =
        S3Client.builder().region(Region.of(s3.s3Region())).forcePathStyle(s3.s3PathStyleAccess());
    s3.s3Endpoint().ifPresent(builder::endpointOverride);
    if (s3.s3AccessKeyId().isPresent() && s3.s3SecretAccessKey().isPresent()) {
      builder.credentialsProvider(
          StaticCredentialsProvider.create(
              AwsBasicCredentials.create(s3.s3AccessKeyId().get(), s3.s3SecretAccessKey().get())));
    } else {
      builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
    }
    return builder.build();
  }

  /** A client of an S3-compatible server at an endpoint, path-style, with static keys. */
  public static S3Client of(URI endpoint, String accessKey, String secretKey) {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .forcePathStyle(true)
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
        .build();
  }
}
