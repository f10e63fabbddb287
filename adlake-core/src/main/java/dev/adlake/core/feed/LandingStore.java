package dev.adlake.core.feed;

import java.io.InputStream;
import java.nio.file.Path;
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
  java.net.URI uri(String key);

  /** True when the object is there. */
  boolean exists(String key);

  /** The object as listing would show it, or empty when it is not there. */
  java.util.Optional<StoredObject> stat(String key);

  /**
   * Moves an object under another root, keeping its key as the path there; when that name is taken
   * (an earlier version of the same key), a suffix keeps both. Returns the stored path.
   */
  Path moveTo(String key, Path root, String suffixIfTaken);

  /** Moves a stored file back to its key, as when a load is retried. */
  void restore(Path stored, String key);
}
