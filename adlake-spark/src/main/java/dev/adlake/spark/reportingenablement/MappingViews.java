package dev.adlake.spark.reportingenablement;

import dev.adlake.core.config.LakeConfig;
import dev.adlake.spark.LakeNamespaces;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.SortedSet;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.NoSuchNamespaceException;
import org.apache.spark.sql.catalyst.analysis.NoSuchViewException;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.connector.catalog.ViewCatalog;

/**
 * The catalog entries of the mapping (the seed's metastore {@code mapping_region}): an Iceberg view
 * {@code <namespace>.mapping_<region>} per region over the lake's {@code user_ids}, its ids that
 * are not set aside. A view reads the table as it is when queried, so it only changes when a region
 * appears or goes: an existing view with the same query is left as it is.
 */
final class MappingViews {
  private MappingViews() {}

  /** What a publication of the views changed. */
  record Changes(int created, int replaced, int unchanged, int dropped) {}

  /**
   * Creates or replaces the view of each region and drops the {@code mapping_*} views of the
   * namespace whose region is not among them.
   *
   * @param userIds the lake table, without the catalog ({@code identity.user_ids})
   */
  static Changes publish(
      SparkSession spark, String namespace, String userIds, SortedSet<String> regions) {
    LakeNamespaces.ensure(spark, namespace);
    ViewCatalog catalog =
        (ViewCatalog) spark.sessionState().catalogManager().catalog(LakeConfig.CATALOG_NAME);
    Set<String> existing = new LinkedHashSet<>();
    try {
      for (Identifier view : catalog.listViews(namespace)) {
        if (view.name().startsWith(MappingTables.VIEW_PREFIX)) {
          existing.add(view.name());
        }
      }
    } catch (NoSuchNamespaceException e) {
      throw new IllegalStateException("Namespace %s vanished".formatted(namespace), e);
    }
    int created = 0;
    int replaced = 0;
    int unchanged = 0;
    Set<String> wanted = new LinkedHashSet<>();
    for (String region : regions) {
      String name = MappingTables.viewName(region);
      wanted.add(name);
      String query = query(userIds, region);
      if (existing.contains(name)) {
        if (query.equals(currentQuery(catalog, namespace, name))) {
          unchanged++;
          continue;
        }
        replaced++;
      } else {
        created++;
      }
      spark.sql(
          "CREATE OR REPLACE VIEW %s.%s.%s AS %s"
              .formatted(LakeConfig.CATALOG_NAME, namespace, name, query));
    }
    int dropped = 0;
    for (String name : existing) {
      if (!wanted.contains(name)) {
        catalog.dropView(Identifier.of(new String[] {namespace}, name));
        dropped++;
      }
    }
    return new Changes(created, replaced, unchanged, dropped);
  }

  /** The query of a region's view; region names are checked, so the literal needs no escaping. */
  static String query(String userIds, String region) {
    return ("SELECT node_id, partner, id, canonical_id, first_seen, last_seen, links FROM %s.%s"
            + " WHERE region = '%s' AND NOT set_aside")
        .formatted(LakeConfig.CATALOG_NAME, userIds, region);
  }

  private static String currentQuery(ViewCatalog catalog, String namespace, String name) {
    try {
      return catalog.loadView(Identifier.of(new String[] {namespace}, name)).query();
    } catch (NoSuchViewException e) {
      return null;
    }
  }
}
