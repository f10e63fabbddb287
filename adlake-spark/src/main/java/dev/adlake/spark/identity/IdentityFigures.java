package dev.adlake.spark.identity;

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

  /** Reads the figures of a user-ids table (or any rows of its columns). */
  public static IdentityFigures of(Dataset<Row> userIds) {
    List<Row> sizes =
        userIds
            .groupBy("canonical_id")
            .agg(count(lit(1)).as("size"), sum(when(col("set_aside"), 1).otherwise(0)).as("hubs"))
            .orderBy(col("size").desc(), col("canonical_id"))
            .collectAsList()
            .stream()
            .toList();
    long ids = 0;
    long hubs = 0;
    for (Row row : sizes) {
      ids += row.getLong(1);
      hubs += row.getLong(2);
    }
    List<Long> largest = sizes.stream().limit(5).map(row -> row.getLong(1)).toList();
    return new IdentityFigures(ids, sizes.size(), hubs, largest);
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
