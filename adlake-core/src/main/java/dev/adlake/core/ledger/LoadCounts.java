package dev.adlake.core.ledger;

/** What loading a file did: rows read, written and rejected, and the lake snapshot it made. */
public record LoadCounts(long rowsRead, long rowsWritten, long rowsRejected, Long snapshotId) {}
