package dev.adlake.core.ledger;

import java.time.Instant;
import java.util.Optional;

/**
 * One discovered object of a feed: the file (key, size, modified time, checksum) and how loading it
 * went.
 *
 * @param objectKey the file's path under the landing zone
 * @param storedKey where the file is now when it has been moved (archive or error folder)
 * @param message a note that is not an error, such as "empty file"
 */
public record Load(
    long id,
    String feed,
    String objectKey,
    long size,
    Instant modifiedAt,
    Optional<String> checksum,
    LoadStatus status,
    int attempts,
    Optional<Long> rowsRead,
    Optional<Long> rowsWritten,
    Optional<Long> rowsRejected,
    Optional<Long> snapshotId,
    Optional<String> error,
    Optional<String> message,
    Optional<String> storedKey,
    Instant discoveredAt,
    Optional<Instant> finishedAt) {}
