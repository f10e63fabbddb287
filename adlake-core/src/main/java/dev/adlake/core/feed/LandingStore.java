package dev.adlake.core.feed;

import java.io.InputStream;
import java.net.URI;
import java.time.Instant;
import java.util.List;

/**
 * Where partner files land: a folder or a bucket prefix. Objects are named by their key, the path
 * under the landing root; they are listed, read, and moved away once handled, never deleted.
 */
public interface LandingStore {
  /** An object as listed: its key, size and modified time. */
  record StoredObject(String key, long size, Instant modifiedAt) {}

  List<StoredObject> list();

  /** Opens an object's bytes; a missing object is an error naming its key. */
  InputStream open(String key);

  /** Where an engine that reads by path finds the object. */
  URI uri(String key);

  /** True when the object is there. */
  boolean exists(String key);

  /** The object as listing would show it, or empty when it is not there. */
  java.util.Optional<StoredObject> stat(String key);

  /**
   * Moves an object under another root (a local folder; for an S3 landing zone also an {@code
   * s3a://} prefix), keeping its key as the path there; when that name is taken (an earlier version
   * of the same key), a suffix keeps both. Returns where it is stored: a local path or an {@code
   * s3a://} URI.
   */
  String moveTo(String key, URI root, String suffixIfTaken);

  /**
   * Where {@link #moveTo} put the object when it is no longer at its key: the suffixed name when
   * that exists, else the plain one (for an attempt that died before recording where).
   */
  String movedLocation(String key, URI root, String suffixIfTaken);

  /** Whether a stored location (as {@link #moveTo} returned it) holds a file. */
  boolean isStored(String stored);

  /** Moves a stored file back to its key, as when a load is retried. */
  void restore(String stored, String key);

  /**
   * Writes an object whole, replacing one of that key: readers see all of it or nothing (a hidden
   * file renamed into place, or one S3 PUT).
   *
   * @param size the number of bytes {@code bytes} holds
   */
  void put(String key, InputStream bytes, long size);
}
