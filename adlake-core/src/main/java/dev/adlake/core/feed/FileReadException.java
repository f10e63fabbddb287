package dev.adlake.core.feed;

import dev.adlake.core.InvalidInputException;

/** A whole file cannot be read: corrupt compression, a header that lacks a column, bad JSON. */
public class FileReadException extends InvalidInputException {
  public FileReadException(String message) {
    super(message);
  }

  public FileReadException(String message, Throwable cause) {
    super(message, cause);
  }
}
