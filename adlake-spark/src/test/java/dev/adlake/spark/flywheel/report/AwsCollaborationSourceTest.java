package dev.adlake.spark.flywheel.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.InvalidInputException;
import dev.adlake.spark.flywheel.report.Collaboration.AnalysisRule;
import dev.adlake.spark.flywheel.report.Collaboration.ConfiguredTable;
import dev.adlake.spark.flywheel.report.Collaboration.IdNamespace;
import dev.adlake.spark.flywheel.report.Collaboration.SchemaField;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cleanrooms.CleanRoomsClient;
import software.amazon.awssdk.services.cleanrooms.model.AccessDeniedException;
import software.amazon.awssdk.services.entityresolution.EntityResolutionClient;
import software.amazon.awssdk.services.entityresolution.model.InternalServerException;

/**
 * Reads a collaboration from a local server that answers the Clean Rooms and Entity Resolution REST
 * paths with the JSON bodies of their API references, through the real SDK clients (so their
 * marshalling, signing, paging and error parsing run on the SDK core adlake ships).
 */
class AwsCollaborationSourceTest {
  private static final String MEMBERSHIP = "5b7e2a40-1c3d-4e5f-8a9b-0c1d2e3f4a5b";
  private static final String COLLABORATION = "9d8c7b6a-5f4e-4d3c-9b2a-1f0e9d8c7b6a";
  private static final String AGGREGATED = "11111111-aaaa-4bbb-8ccc-000000000001";
  private static final String LISTED = "22222222-aaaa-4bbb-8ccc-000000000002";
  private static final String UNASSOCIATED = "33333333-aaaa-4bbb-8ccc-000000000003";
  private static final String ACCESS_KEY = "AKIDADLAKETEST";

  private HttpServer server;
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();

  private record Answer(int status, String errorType, String body) {}

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::answer);
    server.start();
    answerTheCollaboration();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  @Test
  void readsTablesRulesProvidersAndNamespacesFollowingEveryPage() {
    Collaboration collaboration;
    try (AwsCollaborationSource source = source()) {
      collaboration = source.load();
    }

    assertThat(collaboration)
        .isEqualTo(
            new Collaboration(
                MEMBERSHIP,
                "us-east-1",
                List.of(
                    new ConfiguredTable(
                        "part_ibe_01",
                        "bucketed_ibe_01",
                        ConfiguredTable.ACTIVE,
                        ConfiguredTable.ASSOCIATED,
                        List.of("111122223333"),
                        List.of(
                            new AnalysisRule(
                                AnalysisRule.AGGREGATION,
                                Map.of(
                                    "COUNT_DISTINCT", List.of("customer_user_id"),
                                    "SUM", List.of("purchase_amount", "items")),
                                List.of("segment", "state"),
                                List.of("hashed_email"),
                                List.of(),
                                "customer_user_id",
                                100))),
                    new ConfiguredTable(
                        "part_ibe_02",
                        "bucketed_ibe_02",
                        ConfiguredTable.ACTIVE,
                        ConfiguredTable.ASSOCIATED,
                        List.of("111122223333"),
                        List.of(
                            new AnalysisRule(
                                AnalysisRule.LIST,
                                Map.of(),
                                List.of(),
                                List.of("hashed_email"),
                                List.of("segment", "household_id"),
                                "",
                                0))),
                    new ConfiguredTable(
                        "ibe_03_draft",
                        "bucketed_ibe_03",
                        ConfiguredTable.ACTIVE,
                        ConfiguredTable.NOT_ASSOCIATED,
                        List.of("777788889999"),
                        List.of(
                            new AnalysisRule(
                                AnalysisRule.CUSTOM,
                                Map.of(),
                                List.of(),
                                List.of(),
                                List.of(),
                                "",
                                0)))),
                List.of(
                    new IdNamespace(
                        "ACXIdNamespace",
                        "SOURCE",
                        "RULE_BASED",
                        "adlake_identity",
                        "us-west-2",
                        "acx_people",
                        "ACX_SCHEMA",
                        List.of(
                            new SchemaField("person_id", SchemaField.UNIQUE_ID, ""),
                            new SchemaField("email_sha256", "EMAIL_ADDRESS", "EMAIL"),
                            new SchemaField("full_name", "NAME", "NAME"))))));
    assertThat(collaboration.tables().get(0).aggregation().orElseThrow().describe())
        .isEqualTo("AGGREGATION (min 100 users of customer_user_id)");
    assertThat(collaboration.idNamespaces().get(0).uniqueId()).contains("person_id");

    // Both pages of associations were asked for, the second with the first one's token.
    assertThat(requests)
        .contains(
            "GET /memberships/" + MEMBERSHIP + "/configuredTableAssociations",
            "GET /memberships/" + MEMBERSHIP + "/configuredTableAssociations?nextToken=page-2",
            "GET /configuredTables/" + AGGREGATED + "/analysisRule/AGGREGATION",
            "GET /collaborations/" + COLLABORATION + "/members",
            "GET /schemas/ACX_SCHEMA");
    // Every call was signed (SigV4) with the static key, for the service it went to.
    assertThat(authorizations)
        .hasSameSizeAs(requests)
        .allSatisfy(
            header ->
                assertThat(header)
                    .startsWith("AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY + "/")
                    .containsAnyOf(
                        "/us-east-1/cleanrooms/aws4_request",
                        "/us-east-1/entityresolution/aws4_request"));
  }

  @Test
  void theFactoryBuildsClientsForTheEndpointOnTheDefaultCredentialsChain() {
    String previousKey = System.getProperty("aws.accessKeyId");
    String previousSecret = System.getProperty("aws.secretAccessKey");
    System.setProperty("aws.accessKeyId", "AKIDFROMTHECHAIN");
    System.setProperty("aws.secretAccessKey", "chain-secret");
    try (AwsCollaborationSource source =
        AwsCollaborationSource.of(MEMBERSHIP, "us-east-1", Optional.of(endpoint()))) {
      assertThat(source.describe())
          .isEqualTo("AWS Clean Rooms membership " + MEMBERSHIP + " in us-east-1");
      assertThat(source.load().tables())
          .extracting(ConfiguredTable::name)
          .containsExactly("part_ibe_01", "part_ibe_02", "ibe_03_draft");
    } finally {
      restore("aws.accessKeyId", previousKey);
      restore("aws.secretAccessKey", previousSecret);
    }
    assertThat(authorizations)
        .allSatisfy(header -> assertThat(header).contains("AKIDFROMTHECHAIN/"));
  }

  @Test
  void accessDeniedNamesTheCallAndTheMembership() {
    answers.put(
        "GET /memberships/" + MEMBERSHIP + "/configuredTableAssociations",
        new Answer(
            403,
            "AccessDeniedException",
            """
            {"message": "User is not authorized to perform cleanrooms:ListConfiguredTableAssociations", "reason": "UNAUTHORIZED"}
            """));

    try (AwsCollaborationSource source = source()) {
      assertThatThrownBy(source::load)
          .isInstanceOf(ExternalFailureException.class)
          .hasMessageContaining("Clean Rooms ListConfiguredTableAssociations")
          .hasMessageContaining("membership " + MEMBERSHIP)
          .hasMessageContaining("not authorized")
          .cause()
          .isInstanceOf(AccessDeniedException.class);
    }
  }

  @Test
  void aServerErrorNamesTheCallAndTheSchemaMapping() {
    answers.put(
        "GET /schemas/ACX_SCHEMA",
        new Answer(500, "InternalServerException", "{\"message\": \"Internal failure\"}"));

    try (AwsCollaborationSource source = source()) {
      assertThatThrownBy(source::load)
          .isInstanceOf(ExternalFailureException.class)
          .hasMessageContaining("Entity Resolution GetSchemaMapping")
          .hasMessageContaining("schema mapping ACX_SCHEMA of ID namespace ACXIdNamespace")
          .cause()
          .isInstanceOf(InternalServerException.class);
    }
  }

  @Test
  void anInputSourceThatIsNotAGlueTableNamesTheNamespaceAndTheArn() {
    String workflow = "arn:aws:entityresolution:us-east-1:444455556666:matchingworkflow/acx";
    answers.put(
        "GET /idnamespaces/ACXIdNamespace",
        ok(
            """
            {"idNamespaceName": "ACXIdNamespace", "type": "SOURCE",
             "idNamespaceArn": "arn:aws:entityresolution:us-east-1:444455556666:idnamespace/ACXIdNamespace",
             "inputSourceConfig": [{"inputSourceARN": "%s"}],
             "createdAt": 1.7E9, "updatedAt": 1.7E9}
            """
                .formatted(workflow)));

    try (AwsCollaborationSource source = source()) {
      assertThatThrownBy(source::load)
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("ID namespace ACXIdNamespace")
          .hasMessageContaining(workflow);
    }
  }

  private AwsCollaborationSource source() {
    StaticCredentialsProvider credentials =
        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, "test-secret"));
    return AwsCollaborationSource.of(
        MEMBERSHIP,
        "us-east-1",
        CleanRoomsClient.builder()
            .region(Region.US_EAST_1)
            .endpointOverride(endpoint())
            .credentialsProvider(credentials)
            .build(),
        EntityResolutionClient.builder()
            .region(Region.US_EAST_1)
            .endpointOverride(endpoint())
            .credentialsProvider(credentials)
            .build());
  }

  private URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private static void restore(String property, String value) {
    if (value == null) {
      System.clearProperty(property);
    } else {
      System.setProperty(property, value);
    }
  }

  /** The collaboration as the API references show their answers. */
  private void answerTheCollaboration() {
    String associations = "GET /memberships/" + MEMBERSHIP + "/configuredTableAssociations";
    answers.put(
        associations,
        ok(
            """
            {"configuredTableAssociationSummaries": [
               {"configuredTableId": "%s", "membershipId": "%s", "name": "part_ibe_01",
                "id": "aaaaaaaa-0000-4000-8000-000000000001",
                "arn": "arn:aws:cleanrooms:us-east-1:444455556666:membership/%s/configuredtableassociation/aaaaaaaa-0000-4000-8000-000000000001",
                "membershipArn": "arn:aws:cleanrooms:us-east-1:444455556666:membership/%s",
                "analysisRuleTypes": ["AGGREGATION"],
                "createTime": 1.7E9, "updateTime": 1.7E9}],
             "nextToken": "page-2"}
            """
                .formatted(AGGREGATED, MEMBERSHIP, MEMBERSHIP, MEMBERSHIP)));
    answers.put(
        associations + "?nextToken=page-2",
        ok(
            """
            {"configuredTableAssociationSummaries": [
               {"configuredTableId": "%s", "membershipId": "%s", "name": "part_ibe_02",
                "id": "aaaaaaaa-0000-4000-8000-000000000002",
                "arn": "arn:aws:cleanrooms:us-east-1:444455556666:membership/%s/configuredtableassociation/aaaaaaaa-0000-4000-8000-000000000002",
                "membershipArn": "arn:aws:cleanrooms:us-east-1:444455556666:membership/%s",
                "analysisRuleTypes": ["LIST"],
                "createTime": 1.7E9, "updateTime": 1.7E9}]}
            """
                .formatted(LISTED, MEMBERSHIP, MEMBERSHIP, MEMBERSHIP)));
    answers.put(
        "GET /memberships/" + MEMBERSHIP,
        ok(
            """
            {"membership": {"id": "%s", "collaborationId": "%s",
              "arn": "arn:aws:cleanrooms:us-east-1:444455556666:membership/%s",
              "collaborationArn": "arn:aws:cleanrooms:us-east-1:111122223333:collaboration/%s",
              "collaborationCreatorAccountId": "111122223333",
              "collaborationCreatorDisplayName": "Advertiser", "collaborationName": "Flywheel",
              "status": "ACTIVE", "memberAbilities": ["CAN_RECEIVE_RESULTS"],
              "queryLogStatus": "ENABLED", "createTime": 1.7E9, "updateTime": 1.7E9}}
            """
                .formatted(MEMBERSHIP, COLLABORATION, MEMBERSHIP, COLLABORATION)));
    answers.put(
        "GET /collaborations/" + COLLABORATION + "/members",
        ok(
            """
            {"memberSummaries": [
               {"accountId": "111122223333", "status": "ACTIVE", "displayName": "Advertiser",
                "abilities": ["CAN_QUERY", "CAN_RECEIVE_RESULTS"],
                "createTime": 1.7E9, "updateTime": 1.7E9},
               {"accountId": "444455556666", "status": "ACTIVE", "displayName": "adlake",
                "abilities": ["CAN_RECEIVE_RESULTS"], "membershipId": "%s",
                "createTime": 1.7E9, "updateTime": 1.7E9},
               {"accountId": "999900001111", "status": "LEFT", "displayName": "Former agency",
                "abilities": ["CAN_QUERY"], "createTime": 1.7E9, "updateTime": 1.7E9}]}
            """
                .formatted(MEMBERSHIP)));
    answers.put(
        "GET /configuredTables",
        ok(
            """
            {"configuredTableSummaries": [
               {"id": "%s", "arn": "arn:aws:cleanrooms:us-east-1:444455556666:configuredtable/%s",
                "name": "ibe_01_aggregated", "analysisRuleTypes": ["AGGREGATION"],
                "analysisMethod": "DIRECT_QUERY", "createTime": 1.7E9, "updateTime": 1.7E9},
               {"id": "%s", "arn": "arn:aws:cleanrooms:us-east-1:444455556666:configuredtable/%s",
                "name": "part_ibe_02", "analysisRuleTypes": ["LIST"],
                "analysisMethod": "DIRECT_QUERY", "createTime": 1.7E9, "updateTime": 1.7E9},
               {"id": "%s", "arn": "arn:aws:cleanrooms:us-east-1:444455556666:configuredtable/%s",
                "name": "ibe_03_draft", "analysisRuleTypes": ["CUSTOM"],
                "analysisMethod": "DIRECT_QUERY", "createTime": 1.7E9, "updateTime": 1.7E9}]}
            """
                .formatted(AGGREGATED, AGGREGATED, LISTED, LISTED, UNASSOCIATED, UNASSOCIATED)));
    answers.put(
        "GET /configuredTables/" + AGGREGATED,
        configuredTable(AGGREGATED, "ibe_01_aggregated", "bucketed_ibe_01", "AGGREGATION"));
    answers.put(
        "GET /configuredTables/" + LISTED,
        configuredTable(LISTED, "part_ibe_02", "bucketed_ibe_02", "LIST"));
    answers.put(
        "GET /configuredTables/" + UNASSOCIATED,
        configuredTable(UNASSOCIATED, "ibe_03_draft", "bucketed_ibe_03", "CUSTOM"));
    answers.put(
        "GET /configuredTables/" + AGGREGATED + "/analysisRule/AGGREGATION",
        analysisRule(
            AGGREGATED,
            "AGGREGATION",
            """
            {"aggregation": {
               "aggregateColumns": [
                 {"columnNames": ["customer_user_id"], "function": "COUNT_DISTINCT"},
                 {"columnNames": ["purchase_amount"], "function": "SUM"},
                 {"columnNames": ["items"], "function": "SUM"}],
               "joinColumns": ["hashed_email"], "joinRequired": "QUERY_RUNNER",
               "allowedJoinOperators": ["AND"],
               "dimensionColumns": ["segment", "state"],
               "scalarFunctions": ["TRUNC", "ROUND"],
               "outputConstraints": [
                 {"columnName": "customer_user_id", "minimum": 100, "type": "COUNT_DISTINCT"}]}}
            """));
    answers.put(
        "GET /configuredTables/" + LISTED + "/analysisRule/LIST",
        analysisRule(
            LISTED,
            "LIST",
            """
            {"list": {"joinColumns": ["hashed_email"], "allowedJoinOperators": ["AND"],
                      "listColumns": ["segment", "household_id"]}}
            """));
    answers.put(
        "GET /configuredTables/" + UNASSOCIATED + "/analysisRule/CUSTOM",
        analysisRule(
            UNASSOCIATED,
            "CUSTOM",
            """
            {"custom": {"allowedAnalyses": ["ANY_QUERY"],
                        "allowedAnalysisProviders": ["777788889999"]}}
            """));
    answers.put(
        "GET /idnamespaces",
        ok(
            """
            {"idNamespaceSummaries": [
               {"idNamespaceName": "ACXIdNamespace",
                "idNamespaceArn": "arn:aws:entityresolution:us-east-1:444455556666:idnamespace/ACXIdNamespace",
                "idMappingWorkflowProperties": [{"idMappingType": "RULE_BASED"}],
                "type": "SOURCE", "createdAt": 1.7E9, "updatedAt": 1.7E9}]}
            """));
    answers.put(
        "GET /idnamespaces/ACXIdNamespace",
        ok(
            """
            {"idNamespaceName": "ACXIdNamespace",
             "idNamespaceArn": "arn:aws:entityresolution:us-east-1:444455556666:idnamespace/ACXIdNamespace",
             "type": "SOURCE",
             "idMappingWorkflowProperties": [
               {"idMappingType": "RULE_BASED",
                "ruleBasedProperties": {
                  "attributeMatchingModel": "ONE_TO_ONE",
                  "recordMatchingModels": ["ONE_SOURCE_TO_ONE_TARGET"],
                  "ruleDefinitionTypes": ["SOURCE"],
                  "rules": [{"ruleName": "email", "matchingKeys": ["EMAIL"]}]}}],
             "inputSourceConfig": [
               {"inputSourceARN": "arn:aws:glue:us-west-2:444455556666:table/adlake_identity/acx_people",
                "schemaName": "ACX_SCHEMA"}],
             "roleArn": "arn:aws:iam::444455556666:role/entity-resolution",
             "createdAt": 1.7E9, "updatedAt": 1.7E9}
            """));
    answers.put(
        "GET /schemas/ACX_SCHEMA",
        ok(
            """
            {"schemaName": "ACX_SCHEMA",
             "schemaArn": "arn:aws:entityresolution:us-east-1:444455556666:schemamapping/ACX_SCHEMA",
             "mappedInputFields": [
               {"fieldName": "person_id", "type": "UNIQUE_ID"},
               {"fieldName": "email_sha256", "type": "EMAIL_ADDRESS", "matchKey": "EMAIL",
                "hashed": true},
               {"fieldName": "full_name", "type": "NAME", "groupName": "name",
                "matchKey": "NAME"}],
             "createdAt": 1.7E9, "updatedAt": 1.7E9, "hasWorkflows": true}
            """));
  }

  private static Answer configuredTable(
      String id, String name, String glueTable, String analysisRuleType) {
    return ok(
        """
        {"configuredTable": {
           "id": "%s", "arn": "arn:aws:cleanrooms:us-east-1:444455556666:configuredtable/%s",
           "name": "%s",
           "tableReference": {"glue": {"databaseName": "adlake", "tableName": "%s"}},
           "analysisRuleTypes": ["%s"], "analysisMethod": "DIRECT_QUERY",
           "allowedColumns": ["customer_user_id", "hashed_email", "segment"],
           "createTime": 1.7E9, "updateTime": 1.7E9}}
        """
            .formatted(id, id, name, glueTable, analysisRuleType));
  }

  private static Answer analysisRule(String configuredTableId, String type, String v1) {
    return ok(
        """
        {"analysisRule": {
           "configuredTableId": "%s",
           "configuredTableArn": "arn:aws:cleanrooms:us-east-1:444455556666:configuredtable/%s",
           "policy": {"v1": %s},
           "type": "%s", "createTime": 1.7E9, "updateTime": 1.7E9}}
        """
            .formatted(configuredTableId, configuredTableId, v1, type));
  }

  private static Answer ok(String body) {
    return new Answer(200, null, body);
  }

  private void answer(HttpExchange exchange) throws IOException {
    String query = exchange.getRequestURI().getRawQuery();
    String key =
        exchange.getRequestMethod()
            + " "
            + exchange.getRequestURI().getRawPath()
            + (query == null ? "" : "?" + query);
    requests.add(key);
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    authorizations.add(authorization == null ? "" : authorization);
    Answer answer =
        answers.getOrDefault(
            key,
            new Answer(
                404, "ResourceNotFoundException", "{\"message\": \"no answer for " + key + "\"}"));
    byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.getResponseHeaders().set("x-amzn-RequestId", "test-" + requests.size());
    if (answer.errorType() != null) {
      exchange.getResponseHeaders().set("x-amzn-ErrorType", answer.errorType());
    }
    exchange.sendResponseHeaders(answer.status(), body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
