package dev.adlake.spark.flywheel;

import dev.adlake.core.config.FlywheelConfig;
import java.net.URI;

/**
 * The flywheel's folders under its root, as the OMC flywheel design lays them out, and the lake
 * namespaces of its tables.
 */
public record FlywheelLayout(URI root) {
  /** The namespace of the registered staged tables, {@code ext_<table>}. */
  public static final String STAGED = "staged";

  /** The namespace of the bucketed tables and the identity-resolution tables. */
  public static final String CLEANROOM = "cleanroom";

  public static final String EXT_PREFIX = "ext_";
  public static final String BUCKETED_PREFIX = "bucketed_";
  public static final String ER_SUFFIX = "_er";

  /** The table property that holds the snapshot date a table was made from. */
  public static final String SNAPSHOT_PROPERTY = "adlake.snapshot-dt";

  public static final String INFOBASE_INPUT = "infobase_attributes/raw_input/";
  public static final String ADDRESSABLE_INPUT = "addressable/addressable_ids_compaction_cr/";
  public static final String INFOBASE_STAGED = "split_cluster/infobase_attributes/";
  public static final String ADDRESSABLE_STAGED = "split_cluster/addressable_ids/";
  public static final String HIVE_BUCKETED = "cleanroom_tables/bucketed/";

  public FlywheelLayout {
    root = FlywheelFiles.folder(root);
  }

  public static FlywheelLayout of(FlywheelConfig config) {
    return new FlywheelLayout(config.root());
  }

  public URI resolve(String folder) {
    return root.resolve(folder);
  }

  /** The comment of a table made from a snapshot, as the design writes it. */
  public static String comment(String snapshotDate) {
    return "Bucketed table created from snapshot_dt=" + snapshotDate;
  }
}
