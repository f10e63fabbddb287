package dev.adlake.core.ledger;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Where a load stands, as in the ingestion design: {@code ready → ingesting → ready_for_archiving →
 * archiving → archived}, or {@code → ready_for_erroring → erroring → errored}. The database refuses
 * any other transition.
 */
public enum LoadStatus {
  READY,
  INGESTING,
  READY_FOR_ARCHIVING,
  ARCHIVING,
  ARCHIVED,
  READY_FOR_ERRORING,
  ERRORING,
  ERRORED;

  /** The statuses a load may move to from this one. */
  public Set<LoadStatus> next() {
    return switch (this) {
      case READY -> EnumSet.of(INGESTING);
      // Back to ready: the process died before committing, so the load is tried again.
      case INGESTING -> EnumSet.of(READY_FOR_ARCHIVING, READY_FOR_ERRORING, READY);
      case READY_FOR_ARCHIVING -> EnumSet.of(ARCHIVING);
      case ARCHIVING -> EnumSet.of(ARCHIVED, READY_FOR_ARCHIVING);
      case ARCHIVED -> EnumSet.noneOf(LoadStatus.class);
      case READY_FOR_ERRORING -> EnumSet.of(ERRORING);
      case ERRORING -> EnumSet.of(ERRORED, READY_FOR_ERRORING);
      // Retried by a user once the cause is fixed.
      case ERRORED -> EnumSet.of(READY);
    };
  }

  public String sql() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static LoadStatus fromSql(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
