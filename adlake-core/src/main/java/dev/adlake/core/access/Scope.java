package dev.adlake.core.access;

import dev.adlake.core.InvalidInputException;
import java.util.Arrays;
import java.util.Locale;

/**
 * What an API token may do; each scope includes the ones before it: {@link #READ} metrics, runs and
 * reports; {@link #MANAGE} segments and platform data as well; {@link #ADMIN} everything, access
 * and the audit log too.
 */
public enum Scope {
  READ,
  MANAGE,
  ADMIN;

  /** Whether a token of this scope may do what {@code needed} allows. */
  public boolean covers(Scope needed) {
    return compareTo(needed) >= 0;
  }

  /** The scope's name as written: read, manage or admin. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The scope of that name, or an error listing the scopes. */
  public static Scope parse(String text) {
    return Arrays.stream(values())
        .filter(scope -> scope.label().equals(text.strip().toLowerCase(Locale.ROOT)))
        .findFirst()
        .orElseThrow(
            () ->
                new InvalidInputException(
                    "Unknown scope '%s': read, manage or admin".formatted(text)));
  }
}
