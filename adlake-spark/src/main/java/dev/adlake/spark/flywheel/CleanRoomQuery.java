package dev.adlake.spark.flywheel;

import static java.util.Objects.requireNonNull;

import dev.adlake.core.AdlakeException;
import dev.adlake.core.ErrorCategory;
import dev.adlake.core.InvalidInputException;
import dev.adlake.core.NotFoundException;
import dev.adlake.spark.flywheel.report.Collaboration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * Runs SQL over a collaboration's configured tables locally, under their aggregation analysis rules
 * as AWS Clean Rooms applies them: a query names configured tables ({@code part_ibe_01}), which
 * read their catalog tables in the lake ({@code lake.cleanroom.bucketed_ibe_01}); it may select
 * dimension columns it groups by and the aggregates the rules allow, filter on dimension columns
 * and join on join columns. A query that breaks a rule is refused with a {@link
 * RefusedQueryException} naming the table, the column or the clause and the rule.
 *
 * <p>Each group of the result must count at least the rule's minimum of distinct users (the rule's
 * user column) of every table in the query with a threshold; the runner counts them itself, holds
 * back the groups below, and says how many it held back. ORDER BY and LIMIT apply to the groups
 * shown.
 */
public final class CleanRoomQuery {
  private final org.apache.spark.sql.classic.SparkSession spark;
  private final AggregationQueryChecker checker;

  /**
   * @param spark the platform's session, with the lake catalog
   * @param collaboration the collaboration whose configured tables queries name
   * @param namespace the lake namespace of the configured tables' catalog tables ({@link
   *     FlywheelLayout#CLEANROOM})
   */
  public CleanRoomQuery(SparkSession spark, Collaboration collaboration, String namespace) {
    requireNonNull(spark, "spark is null");
    requireNonNull(collaboration, "collaboration is null");
    requireNonNull(namespace, "namespace is null");
    // The checked plan runs as a DataFrame, which only a classic (not Spark Connect) session makes.
    if (!(spark instanceof org.apache.spark.sql.classic.SparkSession classic)) {
      throw new AdlakeException(
          ErrorCategory.INTERNAL_ERROR,
          "The clean-room query runner needs a classic SparkSession, not a %s"
              .formatted(spark.getClass().getName()));
    }
    this.spark = classic;
    this.checker =
        new AggregationQueryChecker(
            spark.sessionState().sqlParser(),
            collaboration,
            namespace,
            table -> columnsOf(classic, table));
  }

  /**
   * What a query shows.
   *
   * @param columns the output columns' names
   * @param rows the groups shown, each a value per column
   * @param groupsRefused how many groups the aggregation threshold held back
   * @param refusal why groups were held back, when any were: the thresholds they missed
   */
  public record Result(
      List<String> columns, List<List<Object>> rows, long groupsRefused, Optional<String> refusal) {
    public Result {
      columns = List.copyOf(columns);
      // Values may be null, which List.copyOf refuses.
      rows = rows.stream().map(row -> Collections.unmodifiableList(new ArrayList<>(row))).toList();
      requireNonNull(refusal, "refusal is null");
    }

    /**
     * The rows as an aligned text table (numbers to the right), then a line with how many groups
     * the aggregation threshold held back.
     */
    public String render() {
      List<List<String>> cells =
          rows.stream()
              .map(
                  row ->
                      row.stream().map(value -> value == null ? "NULL" : value.toString()).toList())
              .toList();
      int[] widths = columns.stream().mapToInt(String::length).toArray();
      for (List<String> row : cells) {
        for (int i = 0; i < widths.length; i++) {
          widths[i] = Math.max(widths[i], row.get(i).length());
        }
      }
      boolean[] right = new boolean[widths.length];
      for (int i = 0; i < widths.length; i++) {
        int column = i;
        right[i] =
            !rows.isEmpty() && rows.stream().allMatch(row -> row.get(column) instanceof Number);
      }
      StringBuilder out = new StringBuilder();
      line(out, columns, widths, right);
      out.append(Arrays.stream(widths).mapToObj("-"::repeat).collect(Collectors.joining("-+-")))
          .append('\n');
      for (List<String> row : cells) {
        line(out, row, widths, right);
      }
      out.append(
          "%d %s shown; %d %s held back by the aggregation threshold%s%n"
              .formatted(
                  rows.size(),
                  rows.size() == 1 ? "row" : "rows",
                  groupsRefused,
                  groupsRefused == 1 ? "group" : "groups",
                  refusal.map(reason -> " (" + reason + ")").orElse("")));
      return out.toString();
    }

    private static void line(
        StringBuilder out, List<String> values, int[] widths, boolean[] right) {
      List<String> padded = new ArrayList<>();
      for (int i = 0; i < widths.length; i++) {
        String format = right[i] ? "%" + widths[i] + "s" : "%-" + widths[i] + "s";
        padded.add(format.formatted(values.get(i)));
      }
      out.append(String.join(" | ", padded).stripTrailing()).append('\n');
    }
  }

  /**
   * Checks the query against the aggregation rules, runs it and holds back the groups below the
   * aggregation threshold.
   *
   * @throws RefusedQueryException when a rule forbids the query or the runner does not understand
   *     it
   */
  public Result run(String sql) {
    AggregationQuery query = checker.check(sql);
    Dataset<Row> groups;
    try {
      groups = org.apache.spark.sql.classic.Dataset.ofRows(spark, query.groups());
    } catch (Exception e) {
      if (e instanceof AnalysisException analysis) {
        throw new InvalidInputException(
            "Cannot run query: %s".formatted(analysis.getMessage()), analysis);
      }
      throw e;
    }
    String[] names = groups.columns();
    int shown = query.outputColumns();
    // Positional names: the output may name two columns alike, and Spark makes up some names.
    Dataset<Row> positional =
        groups
            .toDF(IntStream.range(0, names.length).mapToObj(i -> "c" + i).toArray(String[]::new))
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Column passes = functions.lit(true);
      for (int i = 0; i < query.thresholds().size(); i++) {
        passes =
            passes.and(
                functions.col("c" + (shown + i)).geq(query.thresholds().get(i).minimumUsers()));
      }
      long refused = positional.filter(functions.not(passes)).count();
      Dataset<Row> kept =
          positional
              .filter(passes)
              .select(
                  IntStream.range(0, shown)
                      .mapToObj(i -> functions.col("c" + i))
                      .toArray(Column[]::new));
      if (!query.ordering().isEmpty()) {
        kept =
            kept.sort(query.ordering().stream().map(CleanRoomQuery::order).toArray(Column[]::new));
      }
      if (query.limit().isPresent()) {
        kept = kept.limit(query.limit().getAsInt());
      }
      List<List<Object>> rows = new ArrayList<>();
      for (Row row : kept.collectAsList()) {
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < shown; i++) {
          values.add(row.get(i));
        }
        rows.add(values);
      }
      Optional<String> refusal =
          refused == 0
              ? Optional.empty()
              : Optional.of(
                  "a group needs "
                      + query.thresholds().stream()
                          .map(AggregationQuery.Threshold::describe)
                          .collect(Collectors.joining(" and ")));
      return new Result(Arrays.asList(names).subList(0, shown), rows, refused, refusal);
    } finally {
      positional.unpersist();
    }
  }

  private static Column order(AggregationQuery.Ordering ordering) {
    Column column = functions.col("c" + ordering.column());
    if (ordering.ascending()) {
      return ordering.nullsFirst() ? column.asc_nulls_first() : column.asc_nulls_last();
    }
    return ordering.nullsFirst() ? column.desc_nulls_first() : column.desc_nulls_last();
  }

  private static List<String> columnsOf(SparkSession spark, String table) {
    try {
      return List.of(spark.table(table).columns());
    } catch (Exception e) {
      if (e instanceof AnalysisException) {
        throw new NotFoundException(
            "Catalog table %s not found: the clean-room pipeline (%s) builds it"
                .formatted(table, BucketedTablesJob.NAME));
      }
      throw e;
    }
  }
}
