package dev.adlake.spark;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.config.LakeConfig;
import dev.adlake.core.table.TableColumn;
import dev.adlake.core.table.TableDefinition;
import java.util.Arrays;
import java.util.List;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.types.StructType;

/** Iceberg's own view of the lake's tables, for what Spark's API does not reach. */
public final class LakeTables {
  private LakeTables() {}

  /** A Spark schema as the table catalog's columns, with Spark SQL's types. */
  public static List<TableColumn> columns(StructType schema) {
    return Arrays.stream(schema.fields())
        .map(field -> new TableColumn(field.name(), field.dataType().sql(), field.nullable()))
        .toList();
  }

  /** Creates the lake table as declared, and its namespace, unless they exist. */
  public static void ensure(SparkSession spark, TableDefinition table) {
    LakeNamespaces.ensure(spark, table.namespace());
    spark.sql(table.ddl());
  }

  /**
   * The table as the session's catalog holds it, refreshed; commits through it are seen by the
   * session's reads.
   */
  public static Table load(SparkSession spark, String tableName) {
    Table table;
    try {
      table = Spark3Util.loadIcebergTable(spark, LakeConfig.CATALOG_NAME + "." + tableName);
    } catch (ParseException | NoSuchTableException e) {
      throw new ExternalFailureException("Cannot load table " + tableName, e);
    }
    table.refresh();
    return table;
  }

  /**
   * Replaces every row of the table by the rows given, in one commit with the summary entries given
   * ({@code snapshot-property.} options of Iceberg's writer).
   */
  public static void replaceAll(
      org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> rows,
      String tableName,
      java.util.Map<String, String> summary) {
    var writer = rows.writeTo(tableName);
    summary.forEach((key, value) -> writer.option("snapshot-property." + key, value));
    try {
      writer.overwrite(org.apache.spark.sql.functions.lit(true));
    } catch (NoSuchTableException e) {
      throw new ExternalFailureException("Cannot rewrite table " + tableName + ": it is gone", e);
    }
  }
}
