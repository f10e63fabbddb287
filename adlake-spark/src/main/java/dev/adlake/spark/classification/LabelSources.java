package dev.adlake.spark.classification;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.trim;

import dev.adlake.core.taxonomy.ContentTaxonomy;
import dev.adlake.core.taxonomy.ContentTaxonomy.Category;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The labelled domains: the partner's category table ({@code domain, iab_tier1_id, iab_tier2_id})
 * and the commercial categoriser's ({@code domain, category_id, confidence}), as their feeds load
 * them. Only Tier 2 categories of the Content Taxonomy 3.1 count as labels; the Tier 1 of a label
 * is the taxonomy's, whatever a file says.
 */
public record LabelSources(String partnerTable, String vendorTable) {
  public static final String PARTNER = "partner";
  public static final String VENDOR = "vendor";

  /** The taxonomy's Tier 2 categories: iab_tier2_id, iab_tier1_id and both names. */
  static Dataset<Row> taxonomy(SparkSession spark) {
    ContentTaxonomy taxonomy = ContentTaxonomy.shipped();
    List<Row> rows = new ArrayList<>();
    for (Category category : taxonomy.categories()) {
      if (!category.isTier1() && category.parent().isPresent()) {
        Category top = taxonomy.category(category.tier1Id()).orElse(null);
        if (top != null && top.isTier1() && category.parent().get().equals(top.id())) {
          rows.add(RowFactory.create(category.id(), top.id(), category.name(), top.name()));
        }
      }
    }
    return spark.createDataFrame(
        rows,
        new StructType()
            .add("iab_tier2_id", DataTypes.StringType, false)
            .add("iab_tier1_id", DataTypes.StringType, false)
            .add("iab_tier2_name", DataTypes.StringType, false)
            .add("iab_tier1_name", DataTypes.StringType, false));
  }

  /**
   * Every label: domain, voter ({@value #PARTNER} or {@value #VENDOR}), iab_tier1_id, iab_tier2_id,
   * confidence (the vendor's; 1 for the partner), weight (the confidence).
   */
  Dataset<Row> votes(SparkSession spark) {
    Dataset<Row> partner =
        spark
            .table(partnerTable)
            .select(
                lower(trim(col("domain"))).as("domain"),
                lit(PARTNER).as("voter"),
                trim(col("iab_tier2_id")).as("iab_tier2_id"),
                lit(1.0).as("confidence"));
    Dataset<Row> vendor =
        spark
            .table(vendorTable)
            .select(
                lower(trim(col("domain"))).as("domain"),
                lit(VENDOR).as("voter"),
                trim(col("category_id")).as("iab_tier2_id"),
                org.apache
                    .spark
                    .sql
                    .functions
                    .coalesce(col("confidence"), lit(0.5))
                    .cast(DataTypes.DoubleType)
                    .as("confidence"));
    return partner
        .unionByName(vendor)
        .join(broadcast(taxonomy(spark).select("iab_tier2_id", "iab_tier1_id")), "iab_tier2_id")
        .dropDuplicates("domain", "voter")
        .select(
            col("domain"),
            col("voter"),
            col("iab_tier1_id"),
            col("iab_tier2_id"),
            col("confidence"),
            col("confidence").as("weight"));
  }
}
