package dev.adlake.spark.flywheel.report;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A clean-room collaboration as the clean-room report and the query runner see it: our membership,
 * the tables configured in it, and the identity-resolution namespaces that match its users. It is
 * read from a JSON file ({@code flywheel.collaboration}) or, when an AWS membership is configured,
 * from the AWS Clean Rooms and Entity Resolution APIs.
 *
 * @param membershipId our membership of the collaboration
 * @param region the AWS region it lives in
 * @param tables the configured tables, by configured-table name
 * @param idNamespaces the identity-resolution namespaces
 */
public record Collaboration(
    String membershipId,
    String region,
    List<ConfiguredTable> tables,
    List<IdNamespace> idNamespaces) {
  public Collaboration {
    requireNonNull(membershipId, "membershipId is null");
    requireNonNull(region, "region is null");
    tables = List.copyOf(tables);
    idNamespaces = List.copyOf(idNamespaces);
  }

  /** The configured table over a catalog table, if any. */
  public Optional<ConfiguredTable> configuredFor(String catalogTable) {
    return tables.stream().filter(table -> table.catalogTable().equals(catalogTable)).findFirst();
  }

  /**
   * A table configured for the collaboration.
   *
   * @param name the configured table's name in the collaboration (as {@code part_ibe_01})
   * @param catalogTable the table it exposes: the table's name in our catalog (as {@code
   *     bucketed_ibe_01}), without namespace
   * @param status the configured table's status: {@code ACTIVE}, or the API's word when it is not
   * @param associationStatus {@code ASSOCIATED} when the table is associated with our membership,
   *     else {@code NOT_ASSOCIATED}
   * @param analysisProviders the accounts that may run analyses on it
   * @param analysisRules its analysis rules, by type
   */
  public record ConfiguredTable(
      String name,
      String catalogTable,
      String status,
      String associationStatus,
      List<String> analysisProviders,
      List<AnalysisRule> analysisRules) {
    public static final String ACTIVE = "ACTIVE";
    public static final String ASSOCIATED = "ASSOCIATED";
    public static final String NOT_ASSOCIATED = "NOT_ASSOCIATED";

    public ConfiguredTable {
      requireNonNull(name, "name is null");
      requireNonNull(catalogTable, "catalogTable is null");
      requireNonNull(status, "status is null");
      requireNonNull(associationStatus, "associationStatus is null");
      analysisProviders = List.copyOf(analysisProviders);
      analysisRules = List.copyOf(analysisRules);
    }

    /** The aggregation rule, when the table has one. */
    public Optional<AnalysisRule> aggregation() {
      return analysisRules.stream()
          .filter(rule -> rule.type().equals(AnalysisRule.AGGREGATION))
          .findFirst();
    }
  }

  /**
   * An analysis rule of a configured table, as AWS Clean Rooms defines them.
   *
   * @param type {@code AGGREGATION}, {@code LIST} or {@code CUSTOM}
   * @param aggregateColumns for an aggregation rule: each aggregate function allowed ({@code SUM},
   *     {@code COUNT}, {@code COUNT_DISTINCT}, {@code AVG}, {@code SUM_DISTINCT}) and the columns
   *     it may take
   * @param dimensionColumns columns a query may group by
   * @param joinColumns columns a query may join on
   * @param listColumns for a list rule, the columns a query may list
   * @param userColumn the column whose distinct values count a group's users
   * @param minimumUsers the aggregation threshold: no group with fewer distinct users is shown (0:
   *     none)
   */
  public record AnalysisRule(
      String type,
      Map<String, List<String>> aggregateColumns,
      List<String> dimensionColumns,
      List<String> joinColumns,
      List<String> listColumns,
      String userColumn,
      long minimumUsers) {
    public static final String AGGREGATION = "AGGREGATION";
    public static final String LIST = "LIST";
    public static final String CUSTOM = "CUSTOM";

    public AnalysisRule {
      requireNonNull(type, "type is null");
      aggregateColumns = Map.copyOf(aggregateColumns);
      dimensionColumns = List.copyOf(dimensionColumns);
      joinColumns = List.copyOf(joinColumns);
      listColumns = List.copyOf(listColumns);
      requireNonNull(userColumn, "userColumn is null");
    }

    /** The rule in one line, for the report: "AGGREGATION (min 100 users of customer_user_id)". */
    public String describe() {
      return minimumUsers > 0
          ? "%s (min %d users of %s)".formatted(type, minimumUsers, userColumn)
          : type;
    }
  }

  /**
   * An identity-resolution namespace and the schema mapping of its input.
   *
   * @param name the namespace's name (as {@code ACXIdNamespace})
   * @param type {@code SOURCE} or {@code TARGET}
   * @param method how ids are matched: {@code RULE_BASED}, {@code ML_MATCHING} or {@code PROVIDER}
   * @param sourceDatabase the catalog database of its input table
   * @param table its input table
   * @param schemaMapping the schema mapping's name (as {@code ACX_SCHEMA})
   * @param fields the schema mapping's input fields
   */
  public record IdNamespace(
      String name,
      String type,
      String method,
      String sourceDatabase,
      String region,
      String table,
      String schemaMapping,
      List<SchemaField> fields) {
    public IdNamespace {
      requireNonNull(name, "name is null");
      fields = List.copyOf(fields);
    }

    /** The field that uniquely identifies a record, if the mapping has one. */
    public Optional<String> uniqueId() {
      return fields.stream()
          .filter(field -> field.type().equals(SchemaField.UNIQUE_ID))
          .map(SchemaField::inputField)
          .findFirst();
    }
  }

  /**
   * One input field of a schema mapping.
   *
   * @param type the field's type in Entity Resolution ({@code UNIQUE_ID}, {@code NAME}, {@code
   *     EMAIL_ADDRESS}, ...)
   * @param matchKey the key it is matched on; empty for none
   */
  public record SchemaField(String inputField, String type, String matchKey) {
    public static final String UNIQUE_ID = "UNIQUE_ID";

    public SchemaField {
      requireNonNull(inputField, "inputField is null");
      requireNonNull(type, "type is null");
      requireNonNull(matchKey, "matchKey is null");
    }
  }
}
