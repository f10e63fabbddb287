package dev.adlake.spark.flywheel;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.OptionalInt;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;

/**
 * A clean-room query that passed the aggregation rules of the tables it names, ready to run: the
 * plan of its groups, with one distinct-user count per threshold after its own output columns, and
 * what is done to the groups that pass (ordering, limit).
 *
 * @param groups the unresolved plan of the groups: the query's output columns, then the user
 *     counts, one per threshold and in its order
 * @param outputColumns how many of the plan's columns the query asked for; the rest are user counts
 * @param thresholds the aggregation thresholds a group must meet to be shown
 * @param ordering the query's ORDER BY, over its output columns
 * @param limit the query's LIMIT, if any
 */
record AggregationQuery(
    LogicalPlan groups,
    int outputColumns,
    List<Threshold> thresholds,
    List<Ordering> ordering,
    OptionalInt limit) {
  AggregationQuery {
    requireNonNull(groups, "groups is null");
    thresholds = List.copyOf(thresholds);
    ordering = List.copyOf(ordering);
    requireNonNull(limit, "limit is null");
  }

  /**
   * A group is shown only if it counts at least {@code minimumUsers} distinct values of the user
   * column of one use of a configured table.
   *
   * @param table the configured table's name
   * @param reference how the query refers to it (its alias, else its name)
   */
  record Threshold(String table, String reference, String userColumn, long minimumUsers) {
    /** As "at least 50 distinct customer_user_id of part_ibe_01". */
    String describe() {
      String of = reference.equalsIgnoreCase(table) ? table : "%s (%s)".formatted(table, reference);
      return "at least %d distinct %s of %s".formatted(minimumUsers, userColumn, of);
    }
  }

  /**
   * One key of the ORDER BY.
   *
   * @param column the output column's position, from 0
   */
  record Ordering(int column, boolean ascending, boolean nullsFirst) {}
}
