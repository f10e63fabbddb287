package dev.adlake.spark.cookiemapping;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What a user-ids table holds, in figures: ids, components (canonical user ids), hubs set aside,
 * and the sizes of the largest components.
 */
public record IdentityFigures(long ids, long components, long setAside, List<Long> largest) {

  /**
   * Reads the figures of a user-ids table in one pass over it; only the totals and the five largest
   * sizes reach the driver.
   */
  public static IdentityFigures of(Dataset<Row> userIds) {
    Dataset<Row> components =
        userIds
            .groupBy("canonical_id")
            .agg(
                count(lit(1)).as("size"),
                sum(when(col("set_aside"), 1L).otherwise(0L)).as("set_aside"))
            .localCheckpoint();
    Row totals = components.agg(sum("size"), count(lit(1)), sum("set_aside")).first();
    List<Long> largest =
        components
            .orderBy(col("size").desc(), col("canonical_id"))
            .limit(5)
            .collectAsList()
            .stream()
            .map(row -> row.getLong(1))
            .toList();
    return new IdentityFigures(
        totals.isNullAt(0) ? 0 : totals.getLong(0),
        totals.getLong(1),
        totals.isNullAt(2) ? 0 : totals.getLong(2),
        largest);
  }

  /**
   * The figures of components known before they are written: one row per component with its {@code
   * size}, and the number of hubs set aside (each its own component).
   */
  public static IdentityFigures of(Dataset<Row> sizes, long setAside) {
    Row totals = sizes.agg(sum("size"), count(lit(1))).first();
    List<Long> largest =
        sizes.orderBy(col("size").desc()).limit(5).collectAsList().stream()
            .map(row -> row.getLong(row.fieldIndex("size")))
            .toList();
    return new IdentityFigures(
        totals.isNullAt(0) ? 0 : totals.getLong(0), totals.getLong(1), setAside, largest);
  }

  void addTo(Map<String, Long> figures) {
    figures.put("ids", ids);
    figures.put("components", components);
    figures.put("set_aside", setAside);
    for (int i = 0; i < largest.size(); i++) {
      figures.put("largest_" + (i + 1), largest.get(i));
    }
  }
}
