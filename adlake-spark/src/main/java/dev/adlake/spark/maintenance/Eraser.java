package dev.adlake.spark.maintenance;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.table.TableCatalog;
import dev.adlake.core.table.TableDefinition;
import dev.adlake.core.table.TableStore;
import dev.adlake.core.table.UserColumn;
import dev.adlake.spark.LakeTables;
import dev.adlake.spark.common.CrashPoints;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.actions.SparkActions;
import org.apache.spark.sql.SparkSession;

/**
 * Removes a user's rows from every table that holds user-level data, as the table catalog says by
 * its user columns: in the lake, one Iceberg delete per table (copy-on-write, the tables' default:
 * the files that held the rows are rewritten without them), then every snapshot but the new one
 * expired, so that no retained snapshot and no live data file holds them; in the serving store, one
 * delete per table, the published mapping tables included. The proof scans every retained snapshot
 * of every such lake table, and every serving table, for the ids.
 *
 * <p>Aggregates without user ids stay. Files outside the tables (the landing archive, the Kafka
 * archive) are not rewritten.
 */
final class Eraser {
  private final SparkSession spark;
  private final DataSource serving;
  private final TableCatalog catalog;
  private final Consumer<String> progress;

  Eraser(SparkSession spark, DataSource serving, TableCatalog catalog, Consumer<String> progress) {
    this.spark = spark;
    this.serving = serving;
    this.catalog = catalog;
    this.progress = progress;
  }

  /** The rows of the user per table, without changing anything. */
  Map<String, Long> count(ErasureSubject subject) {
    Map<String, Long> rows = new LinkedHashMap<>();
    for (TableDefinition table : lakeTables()) {
      predicate(table, subject)
          .ifPresent(
              where ->
                  rows.put(
                      table.name(),
                      spark
                          .sql("SELECT count(*) FROM %s WHERE %s".formatted(table.name(), where))
                          .first()
                          .getLong(0)));
    }
    for (String table : servingTables()) {
      rows.put(table, servingRows(table, subject, false));
    }
    return rows;
  }

  /** Removes the user's rows; returns the rows removed per table. */
  Map<String, Long> erase(ErasureSubject subject) {
    Map<String, Long> removed = new LinkedHashMap<>();
    for (TableDefinition table : lakeTables()) {
      var where = predicate(table, subject);
      if (where.isEmpty()) {
        continue;
      }
      long rows =
          spark
              .sql("SELECT count(*) FROM %s WHERE %s".formatted(table.name(), where.get()))
              .first()
              .getLong(0);
      Table iceberg = LakeTables.load(spark, table.name());
      if (rows > 0) {
        progress.accept("%s: deleting %,d rows".formatted(table.name(), rows));
        spark.sql("DELETE FROM %s WHERE %s".formatted(table.name(), where.get()));
        CrashPoints.crashIf("erase-after-delete");
        iceberg = LakeTables.load(spark, table.name());
      }
      // Older snapshots may still hold the rows (deleted now, or by an interrupted run).
      if (rows > 0 || countSnapshots(iceberg) > 1) {
        progress.accept("%s: expiring every snapshot but the current one".formatted(table.name()));
        SparkActions.get(spark)
            .expireSnapshots(iceberg)
            .expireOlderThan(System.currentTimeMillis() + 1)
            .retainLast(1)
            .execute();
      }
      removed.put(table.name(), rows);
    }
    for (String table : servingTables()) {
      long rows = servingRows(table, subject, true);
      if (rows > 0) {
        progress.accept("%s: %,d rows deleted".formatted(table, rows));
      }
      removed.put(table, rows);
    }
    return removed;
  }

  /**
   * The proof: per table, the retained snapshots scanned and the rows of the ids found in them (in
   * the serving store, its one state).
   */
  Map<String, String> prove(ErasureSubject subject) {
    Map<String, String> proof = new LinkedHashMap<>();
    for (TableDefinition table : lakeTables()) {
      var where = predicate(table, subject);
      if (where.isEmpty()) {
        continue;
      }
      Table iceberg = LakeTables.load(spark, table.name());
      long found = 0;
      int snapshots = 0;
      for (Snapshot snapshot : iceberg.snapshots()) {
        snapshots++;
        found +=
            spark
                .read()
                .option("versionAsOf", snapshot.snapshotId())
                .table(table.name())
                .where(where.get())
                .count();
      }
      proof.put(table.name(), "%d rows in %d retained snapshots".formatted(found, snapshots));
    }
    for (String table : servingTables()) {
      proof.put(table, "%d rows".formatted(servingRows(table, subject, false)));
    }
    return proof;
  }

  /** Whether the proof found none of the ids anywhere. */
  static boolean clean(Map<String, String> proof) {
    return proof.values().stream().allMatch(text -> text.startsWith("0 rows"));
  }

  private List<TableDefinition> lakeTables() {
    return catalog.of(TableStore.LAKE).stream()
        .filter(TableDefinition::holdsUserData)
        .filter(table -> !table.family())
        .filter(table -> spark.catalog().tableExists(table.name()))
        .toList();
  }

  /** The serving tables holding user ids, each published mapping table of a family included. */
  private List<String> servingTables() {
    List<String> tables = new ArrayList<>();
    for (TableDefinition table : catalog.of(TableStore.SERVING)) {
      if (!table.holdsUserData()) {
        continue;
      }
      if (!table.family()) {
        tables.add(table.name());
        continue;
      }
      String prefix = table.name().substring(0, table.name().length() - 1);
      String schema = table.namespace();
      try (Connection connection = serving.getConnection();
          PreparedStatement statement =
              connection.prepareStatement(
                  "SELECT table_schema || '.' || table_name FROM information_schema.tables"
                      + " WHERE table_schema = ? AND table_name LIKE ? ORDER BY 1")) {
        statement.setString(1, schema);
        statement.setString(2, prefix.substring(schema.length() + 1).replace("_", "\\_") + "%");
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            tables.add(rows.getString(1));
          }
        }
      } catch (SQLException e) {
        throw new ExternalFailureException(
            "Cannot list the serving tables of " + table.name() + ": " + e.getMessage(), e);
      }
    }
    return tables;
  }

  /** Counts, or deletes, the user's rows of a serving table by its id columns. */
  private long servingRows(String name, ErasureSubject subject, boolean delete) {
    TableDefinition table =
        catalog
            .find(name)
            .orElseGet(
                () ->
                    catalog.all().stream()
                        .filter(TableDefinition::family)
                        .filter(
                            family ->
                                name.startsWith(
                                    family.name().substring(0, family.name().length() - 1)))
                        .findFirst()
                        .orElseThrow());
    List<String> columns = ErasureSubject.idColumns(table);
    if (columns.isEmpty()) {
      return 0;
    }
    String where =
        columns.stream().map(column -> column + " = ANY(?)").collect(Collectors.joining(" OR "));
    String sql =
        delete
            ? "DELETE FROM %s WHERE %s".formatted(name, where)
            : "SELECT count(*) FROM %s WHERE %s".formatted(name, where);
    try (Connection connection = serving.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      Array ids = connection.createArrayOf("text", subject.ids().toArray());
      for (int i = 1; i <= columns.size(); i++) {
        statement.setArray(i, ids);
      }
      if (delete) {
        return statement.executeUpdate();
      }
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    } catch (SQLException e) {
      throw new ExternalFailureException(
          "Cannot erase the user's rows of serving table %s: %s".formatted(name, e.getMessage()),
          e);
    }
  }

  /** The Spark SQL condition matching the user's rows; empty when no column can match. */
  static java.util.Optional<String> predicate(TableDefinition table, ErasureSubject subject) {
    List<String> terms = new ArrayList<>();
    for (UserColumn column : table.userColumns()) {
      String name = "`" + column.name() + "`";
      switch (column.match()) {
        case ID -> terms.add("%s IN (%s)".formatted(name, ErasureSubject.literals(subject.ids())));
        case NODE_ID -> {
          if (!subject.nodes().isEmpty()) {
            terms.add("%s IN (%s)".formatted(name, ErasureSubject.numbers(subject.nodes())));
          }
        }
        case CONTAINS ->
            subject.ids().stream()
                .filter(id -> id.length() >= 4)
                .forEach(
                    id ->
                        terms.add(
                            "instr(CAST(%s AS STRING), %s) > 0"
                                .formatted(name, ErasureSubject.literal(id))));
      }
    }
    return terms.isEmpty()
        ? java.util.Optional.empty()
        : java.util.Optional.of(String.join(" OR ", terms));
  }

  private static int countSnapshots(Table table) {
    int count = 0;
    for (Snapshot ignored : table.snapshots()) {
      count++;
    }
    return count;
  }
}
