package dev.adlake.core.feed;

import java.util.Locale;

/** Compression of a file, told by its extension: .gz, .zst, or none. */
public enum Compression {
  NONE,
  GZIP,
  ZSTD;

  public static Compression of(String fileName) {
    String lower = fileName.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".gz") || lower.endsWith(".gzip")) {
      return GZIP;
    }
    if (lower.endsWith(".zst") || lower.endsWith(".zstd")) {
      return ZSTD;
    }
    return NONE;
  }
}
