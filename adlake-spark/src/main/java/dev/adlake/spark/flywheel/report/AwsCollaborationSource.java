package dev.adlake.spark.flywheel.report;

import static java.util.Objects.requireNonNull;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.InvalidInputException;
import dev.adlake.spark.flywheel.report.Collaboration.AnalysisRule;
import dev.adlake.spark.flywheel.report.Collaboration.ConfiguredTable;
import dev.adlake.spark.flywheel.report.Collaboration.IdNamespace;
import dev.adlake.spark.flywheel.report.Collaboration.SchemaField;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cleanrooms.CleanRoomsClient;
import software.amazon.awssdk.services.cleanrooms.CleanRoomsClientBuilder;
import software.amazon.awssdk.services.cleanrooms.model.AggregateColumn;
import software.amazon.awssdk.services.cleanrooms.model.AggregationConstraint;
import software.amazon.awssdk.services.cleanrooms.model.AnalysisRuleAggregation;
import software.amazon.awssdk.services.cleanrooms.model.AnalysisRuleCustom;
import software.amazon.awssdk.services.cleanrooms.model.AnalysisRuleList;
import software.amazon.awssdk.services.cleanrooms.model.ConfiguredTableAnalysisRulePolicyV1;
import software.amazon.awssdk.services.cleanrooms.model.ConfiguredTableAssociationSummary;
import software.amazon.awssdk.services.cleanrooms.model.ConfiguredTableSummary;
import software.amazon.awssdk.services.cleanrooms.model.GlueTableReference;
import software.amazon.awssdk.services.cleanrooms.model.MemberAbility;
import software.amazon.awssdk.services.cleanrooms.model.MemberStatus;
import software.amazon.awssdk.services.cleanrooms.model.MemberSummary;
import software.amazon.awssdk.services.entityresolution.EntityResolutionClient;
import software.amazon.awssdk.services.entityresolution.EntityResolutionClientBuilder;
import software.amazon.awssdk.services.entityresolution.model.GetIdNamespaceResponse;
import software.amazon.awssdk.services.entityresolution.model.GetSchemaMappingResponse;
import software.amazon.awssdk.services.entityresolution.model.IdNamespaceIdMappingWorkflowProperties;
import software.amazon.awssdk.services.entityresolution.model.IdNamespaceInputSource;
import software.amazon.awssdk.services.entityresolution.model.IdNamespaceSummary;

/**
 * The collaboration as AWS Clean Rooms and AWS Entity Resolution describe it, read through their
 * APIs for one membership, so that the clean-room report and the query runner see the tables, rules
 * and identity namespaces that are actually configured rather than a hand-kept JSON file.
 *
 * <p>Where each field comes from:
 *
 * <ul>
 *   <li>The associated tables are the membership's configured table associations ({@code
 *       ListConfiguredTableAssociations}); each one's name is the association's name, the name the
 *       table has in the collaboration's queries. The configured table behind it ({@code
 *       GetConfiguredTable}) gives the Glue table it exposes ({@code
 *       tableReference.glue.tableName}) and its analysis rule types, and each rule is read with
 *       {@code GetConfiguredTableAnalysisRule}.
 *   <li>The account's other configured tables ({@code ListConfiguredTables}, minus those
 *       associated) are listed too, with association status {@code NOT_ASSOCIATED} and their
 *       configured-table name.
 *   <li>Status: the Clean Rooms API gives a configured table no status (a configured table exists
 *       or it does not), so every table read is {@code ACTIVE}.
 *   <li>Analysis providers, the accounts that may run analyses on a table: the API documents two
 *       sources. A {@code CUSTOM} rule's {@code allowedAnalysisProviders} ("the accounts allowed to
 *       query by the custom analysis rule") when the table has such a rule and it names any; else,
 *       for an associated table, the collaboration's {@code ACTIVE} members whose abilities include
 *       {@code CAN_QUERY} ({@code GetMembership} for the collaboration, then {@code ListMembers}).
 *       A table that is not associated has no other providers. The association analysis rule
 *       ({@code GetConfiguredTableAssociationAnalysisRule}) is not used: it names the members who
 *       may receive results ({@code allowedResultReceivers}), not those who may query.
 *   <li>Rules: an aggregation rule's threshold is its strictest {@code COUNT_DISTINCT} output
 *       constraint; a {@code CUSTOM} rule keeps only its type (its allowed analysis templates,
 *       differential privacy and disallowed output columns have no place in {@link
 *       Collaboration.AnalysisRule}).
 *   <li>Identity namespaces: {@code ListIdNamespaces}, then {@code GetIdNamespace} for its type,
 *       its first ID-mapping workflow property's {@code idMappingType} (the method) and its first
 *       input source, whose ARN must be a Glue table's ({@code
 *       arn:aws:glue:REGION:ACCOUNT:table/DATABASE/TABLE}) and whose schema mapping is read with
 *       {@code GetSchemaMapping} for its input fields. A namespace without an input source (a
 *       provider's target) gets empty strings for its source and mapping.
 * </ul>
 *
 * <p>Any failed call becomes an {@link ExternalFailureException} naming the call and the resource;
 * a configured table over anything but a Glue table, or an input source that is not a Glue table,
 * is an {@link InvalidInputException}. The source holds both SDK clients and closes them when
 * closed.
 */
public final class AwsCollaborationSource implements CollaborationSource, AutoCloseable {
  private static final Pattern GLUE_TABLE_ARN =
      Pattern.compile("arn:aws[a-z-]*:glue:([a-z0-9-]+):(\\d{12}):table/([^/]+)/([^/]+)");

  private final String membershipId;
  private final String region;
  private final CleanRoomsClient cleanRooms;
  private final EntityResolutionClient entityResolution;

  private AwsCollaborationSource(
      String membershipId,
      String region,
      CleanRoomsClient cleanRooms,
      EntityResolutionClient entityResolution) {
    this.membershipId = requireNonNull(membershipId, "membershipId is null");
    this.region = requireNonNull(region, "region is null");
    this.cleanRooms = requireNonNull(cleanRooms, "cleanRooms is null");
    this.entityResolution = requireNonNull(entityResolution, "entityResolution is null");
  }

  /**
   * A source for a membership, with clients of the region built on the SDK's default credentials
   * chain.
   *
   * @param endpoint an endpoint for both services instead of AWS's, as a local test server
   */
  public static AwsCollaborationSource of(
      String membershipId, String region, Optional<URI> endpoint) {
    requireNonNull(membershipId, "membershipId is null");
    requireNonNull(region, "region is null");
    CleanRoomsClientBuilder cleanRooms = CleanRoomsClient.builder().region(Region.of(region));
    EntityResolutionClientBuilder entityResolution =
        EntityResolutionClient.builder().region(Region.of(region));
    endpoint.ifPresent(
        uri -> {
          cleanRooms.endpointOverride(uri);
          entityResolution.endpointOverride(uri);
        });
    CleanRoomsClient cleanRoomsClient = cleanRooms.build();
    try {
      return new AwsCollaborationSource(
          membershipId, region, cleanRoomsClient, entityResolution.build());
    } catch (RuntimeException e) {
      cleanRoomsClient.close();
      throw e;
    }
  }

  /**
   * A source on clients built by the caller (as a test's, with static credentials); it closes them
   * when closed.
   */
  public static AwsCollaborationSource of(
      String membershipId,
      String region,
      CleanRoomsClient cleanRooms,
      EntityResolutionClient entityResolution) {
    return new AwsCollaborationSource(membershipId, region, cleanRooms, entityResolution);
  }

  @Override
  public String describe() {
    return "AWS Clean Rooms membership %s in %s".formatted(membershipId, region);
  }

  @Override
  public Collaboration load() {
    List<ConfiguredTableAssociationSummary> associations =
        call(
            "ListConfiguredTableAssociations",
            "membership " + membershipId,
            () ->
                cleanRooms
                    .listConfiguredTableAssociationsPaginator(
                        request -> request.membershipIdentifier(membershipId))
                    .configuredTableAssociationSummaries()
                    .stream()
                    .toList());
    List<ConfiguredTable> tables = new ArrayList<>();
    Set<String> associatedIds = new LinkedHashSet<>();
    List<String> queryMembers = associations.isEmpty() ? List.of() : queryMembers();
    for (ConfiguredTableAssociationSummary association : associations) {
      associatedIds.add(association.configuredTableId());
      tables.add(
          table(
              association.configuredTableId(),
              association.name(),
              ConfiguredTable.ASSOCIATED,
              queryMembers));
    }
    List<ConfiguredTableSummary> configured =
        call(
            "ListConfiguredTables",
            "the account's configured tables",
            () ->
                cleanRooms
                    .listConfiguredTablesPaginator(request -> {})
                    .configuredTableSummaries()
                    .stream()
                    .toList());
    for (ConfiguredTableSummary summary : configured) {
      if (!associatedIds.contains(summary.id())) {
        tables.add(table(summary.id(), null, ConfiguredTable.NOT_ASSOCIATED, List.of()));
      }
    }
    return new Collaboration(membershipId, region, tables, idNamespaces());
  }

  /** The accounts of the collaboration's active members that can query. */
  private List<String> queryMembers() {
    String collaborationId =
        call(
                "GetMembership",
                "membership " + membershipId,
                () ->
                    cleanRooms.getMembership(request -> request.membershipIdentifier(membershipId)))
            .membership()
            .collaborationId();
    List<MemberSummary> members =
        call(
            "ListMembers",
            "collaboration " + collaborationId,
            () ->
                cleanRooms
                    .listMembersPaginator(
                        request -> request.collaborationIdentifier(collaborationId))
                    .memberSummaries()
                    .stream()
                    .toList());
    return members.stream()
        .filter(member -> member.status() == MemberStatus.ACTIVE)
        .filter(member -> member.abilities().contains(MemberAbility.CAN_QUERY))
        .map(MemberSummary::accountId)
        .toList();
  }

  /**
   * A configured table and its rules.
   *
   * @param name its name in the collaboration, or null for the configured table's own name
   */
  private ConfiguredTable table(
      String configuredTableId, String name, String associationStatus, List<String> queryMembers) {
    var table =
        call(
                "GetConfiguredTable",
                "configured table " + configuredTableId,
                () ->
                    cleanRooms.getConfiguredTable(
                        request -> request.configuredTableIdentifier(configuredTableId)))
            .configuredTable();
    GlueTableReference glue = table.tableReference() == null ? null : table.tableReference().glue();
    if (glue == null || glue.tableName() == null) {
      throw new InvalidInputException(
          "Configured table %s (%s) of %s: its tableReference is %s, not a Glue table"
              .formatted(
                  configuredTableId,
                  table.name(),
                  describe(),
                  table.tableReference() == null ? "missing" : table.tableReference().type()));
    }
    List<AnalysisRule> rules = new ArrayList<>();
    List<String> customProviders = new ArrayList<>();
    for (String type : table.analysisRuleTypesAsStrings()) {
      ConfiguredTableAnalysisRulePolicyV1 policy =
          call(
                  "GetConfiguredTableAnalysisRule",
                  "%s rule of configured table %s".formatted(type, configuredTableId),
                  () ->
                      cleanRooms.getConfiguredTableAnalysisRule(
                          request ->
                              request
                                  .configuredTableIdentifier(configuredTableId)
                                  .analysisRuleType(type)))
              .analysisRule()
              .policy()
              .v1();
      if (policy.aggregation() != null) {
        rules.add(aggregation(policy.aggregation()));
      } else if (policy.list() != null) {
        rules.add(list(policy.list()));
      } else if (policy.custom() != null) {
        AnalysisRuleCustom custom = policy.custom();
        customProviders.addAll(custom.allowedAnalysisProviders());
        rules.add(
            new AnalysisRule(
                AnalysisRule.CUSTOM, Map.of(), List.of(), List.of(), List.of(), "", 0));
      } else {
        throw new ExternalFailureException(
            "AWS Clean Rooms GetConfiguredTableAnalysisRule of the %s rule of configured table %s returned a policy of no known type"
                .formatted(type, configuredTableId),
            null);
      }
    }
    List<String> providers = customProviders.isEmpty() ? queryMembers : customProviders;
    return new ConfiguredTable(
        name == null ? table.name() : name,
        glue.tableName(),
        ConfiguredTable.ACTIVE,
        associationStatus,
        List.copyOf(new LinkedHashSet<>(providers)),
        rules);
  }

  /**
   * An aggregation rule. Its threshold is its strictest {@code COUNT_DISTINCT} output constraint,
   * the one with the highest minimum.
   */
  private static AnalysisRule aggregation(AnalysisRuleAggregation rule) {
    Map<String, List<String>> aggregateColumns = new LinkedHashMap<>();
    for (AggregateColumn column : rule.aggregateColumns()) {
      aggregateColumns
          .computeIfAbsent(column.functionAsString(), function -> new ArrayList<>())
          .addAll(column.columnNames());
    }
    String userColumn = "";
    long minimumUsers = 0;
    for (AggregationConstraint constraint : rule.outputConstraints()) {
      if ("COUNT_DISTINCT".equals(constraint.typeAsString())
          && constraint.minimum() != null
          && constraint.minimum() > minimumUsers) {
        minimumUsers = constraint.minimum();
        userColumn = constraint.columnName();
      }
    }
    return new AnalysisRule(
        AnalysisRule.AGGREGATION,
        aggregateColumns,
        rule.dimensionColumns(),
        rule.joinColumns(),
        List.of(),
        userColumn,
        minimumUsers);
  }

  private static AnalysisRule list(AnalysisRuleList rule) {
    return new AnalysisRule(
        AnalysisRule.LIST, Map.of(), List.of(), rule.joinColumns(), rule.listColumns(), "", 0);
  }

  private List<IdNamespace> idNamespaces() {
    List<IdNamespaceSummary> summaries =
        call(
            "ListIdNamespaces",
            "the account's ID namespaces",
            () ->
                entityResolution.listIdNamespacesPaginator(request -> {}).stream()
                    .flatMap(page -> page.idNamespaceSummaries().stream())
                    .toList());
    List<IdNamespace> namespaces = new ArrayList<>();
    for (IdNamespaceSummary summary : summaries) {
      namespaces.add(idNamespace(summary.idNamespaceName()));
    }
    return namespaces;
  }

  private IdNamespace idNamespace(String name) {
    GetIdNamespaceResponse namespace =
        call(
            "GetIdNamespace",
            "ID namespace " + name,
            () -> entityResolution.getIdNamespace(request -> request.idNamespaceName(name)));
    String method =
        namespace.idMappingWorkflowProperties().stream()
            .map(IdNamespaceIdMappingWorkflowProperties::idMappingTypeAsString)
            .findFirst()
            .orElse("");
    Optional<IdNamespaceInputSource> source = namespace.inputSourceConfig().stream().findFirst();
    if (source.isEmpty()) {
      return new IdNamespace(name, namespace.typeAsString(), method, "", "", "", "", List.of());
    }
    String arn = source.get().inputSourceARN();
    Matcher glue = GLUE_TABLE_ARN.matcher(arn == null ? "" : arn);
    if (!glue.matches()) {
      throw new InvalidInputException(
          "ID namespace %s has input source %s, which is not a Glue table ARN (arn:aws:glue:REGION:ACCOUNT:table/DATABASE/TABLE)"
              .formatted(name, arn));
    }
    String schemaName = source.get().schemaName() == null ? "" : source.get().schemaName();
    List<SchemaField> fields = schemaName.isEmpty() ? List.of() : schemaFields(name, schemaName);
    return new IdNamespace(
        name,
        namespace.typeAsString(),
        method,
        glue.group(3),
        glue.group(1),
        glue.group(4),
        schemaName,
        fields);
  }

  private List<SchemaField> schemaFields(String namespace, String schemaName) {
    GetSchemaMappingResponse mapping =
        call(
            "GetSchemaMapping",
            "schema mapping %s of ID namespace %s".formatted(schemaName, namespace),
            () -> entityResolution.getSchemaMapping(request -> request.schemaName(schemaName)));
    return mapping.mappedInputFields().stream()
        .map(
            field ->
                new SchemaField(
                    field.fieldName(),
                    field.typeAsString(),
                    field.matchKey() == null ? "" : field.matchKey()))
        .toList();
  }

  /** The answer of an API call, or an {@link ExternalFailureException} naming it and what for. */
  private <T> T call(String operation, String resource, Supplier<T> call) {
    try {
      return call.get();
    } catch (SdkException e) {
      throw new ExternalFailureException(
          "AWS %s %s of %s in %s failed: %s"
              .formatted(service(operation), operation, resource, region, e.getMessage()),
          e);
    }
  }

  private static String service(String operation) {
    return switch (operation) {
      case "ListIdNamespaces", "GetIdNamespace", "GetSchemaMapping" -> "Entity Resolution";
      default -> "Clean Rooms";
    };
  }

  @Override
  public void close() {
    try {
      cleanRooms.close();
    } finally {
      entityResolution.close();
    }
  }
}
