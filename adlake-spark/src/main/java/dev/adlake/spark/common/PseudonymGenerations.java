package dev.adlake.spark.common;

import java.util.Map;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;

/**
 * Which generation of the pseudonym key ring a lake table's pseudonyms are in, as a rotation leaves
 * it: the commit that rewrote the table carries the generation in its summary, and the table's
 * properties take it after. Either is enough to know the rewrite was made, so a rotation resumed
 * after a crash never applies the new key twice.
 */
public final class PseudonymGenerations {
  /** The snapshot summary entry and table property naming the generation. */
  public static final String PROPERTY = "adlake.pseudonym-generation";

  private PseudonymGenerations() {}

  /** The summary entry of the rewrite's commit. */
  public static Map<String, String> summary(int generation) {
    return Map.of(PROPERTY, String.valueOf(generation));
  }

  /** Whether the table was rewritten to that generation (or a later one). */
  public static boolean reached(Table table, int generation) {
    String property = table.properties().get(PROPERTY);
    if (property != null && Integer.parseInt(property) >= generation) {
      return true;
    }
    for (Snapshot snapshot : table.snapshots()) {
      String recorded = snapshot.summary().get(PROPERTY);
      if (recorded != null && Integer.parseInt(recorded) >= generation) {
        return true;
      }
    }
    return false;
  }

  /** Records the generation in the table's properties, once its rewrite is committed. */
  public static void mark(Table table, int generation) {
    table.refresh();
    table.updateProperties().set(PROPERTY, String.valueOf(generation)).commit();
  }

  /** The snapshot that rewrote the table to that generation; null when expired or never made. */
  public static Snapshot rewrite(Table table, int generation) {
    Snapshot found = null;
    for (Snapshot snapshot : table.snapshots()) {
      if (String.valueOf(generation).equals(snapshot.summary().get(PROPERTY))) {
        found = snapshot;
      }
    }
    return found;
  }
}
