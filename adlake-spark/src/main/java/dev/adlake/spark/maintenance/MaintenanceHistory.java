package dev.adlake.spark.maintenance;

/** Where maintenance records what it did: a table of the metadata store, not of the lake. */
final class MaintenanceHistory {
  static final String TABLE = "adlake.maintenance_actions";

  private MaintenanceHistory() {}
}
