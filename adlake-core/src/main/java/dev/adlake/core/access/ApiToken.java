package dev.adlake.core.access;

import java.time.Instant;
import java.util.Optional;

/**
 * An API token as stored: never the token itself, only its first characters to tell tokens apart.
 *
 * @param prefix the token's first characters, as {@code adl_Xy3k}
 * @param createdBy who made it: an operating-system user or another token's name
 */
public record ApiToken(
    long id,
    String name,
    Scope scope,
    String prefix,
    String createdBy,
    Instant createdAt,
    Optional<Instant> lastUsedAt,
    Optional<Instant> revokedAt) {

  public boolean live() {
    return revokedAt.isEmpty();
  }
}
