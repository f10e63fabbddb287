package dev.adlake.spark.flywheel.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.adlake.core.InvalidInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A collaboration described in a JSON file ({@code flywheel.collaboration}), for a clean room run
 * without AWS or to describe one before it exists: the same fields as the AWS APIs give, in snake
 * case ({@code membership_id}, {@code tables[].analysis_rules[].minimum_users}, ...). An error
 * names the file and the field's path.
 */
public final class JsonCollaborationSource implements CollaborationSource {
  private final String location;
  private final Supplier<String> text;

  /**
   * @param location the file's location, named in messages
   * @param text reads the file's text
   */
  public JsonCollaborationSource(String location, Supplier<String> text) {
    this.location = location;
    this.text = text;
  }

  @Override
  public String describe() {
    return "collaboration file " + location;
  }

  @Override
  public Collaboration load() {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(text.get());
    } catch (JsonProcessingException e) {
      throw new InvalidInputException(
          "Collaboration %s is not JSON: %s".formatted(location, e.getOriginalMessage()));
    }
    if (root == null || !root.isObject()) {
      throw new InvalidInputException("Collaboration %s is not a JSON object".formatted(location));
    }
    return new Collaboration(
        text(root, "membership_id", ""),
        text(root, "region", ""),
        list(root, "tables", "", this::table),
        list(root, "id_namespaces", "", this::namespace));
  }

  private Collaboration.ConfiguredTable table(JsonNode node, String path) {
    return new Collaboration.ConfiguredTable(
        text(node, "name", path),
        text(node, "catalog_table", path),
        optional(node, "status", Collaboration.ConfiguredTable.ACTIVE),
        optional(node, "association_status", Collaboration.ConfiguredTable.NOT_ASSOCIATED),
        list(node, "analysis_providers", path, (value, at) -> value.asText()),
        list(node, "analysis_rules", path, this::rule));
  }

  private Collaboration.AnalysisRule rule(JsonNode node, String path) {
    Map<String, List<String>> aggregates = new LinkedHashMap<>();
    JsonNode columns = node.path("aggregate_columns");
    columns
        .fieldNames()
        .forEachRemaining(
            function ->
                aggregates.put(
                    function,
                    list(columns, function, path + ".aggregate_columns", (v, at) -> v.asText())));
    String type = text(node, "type", path);
    if (!List.of(
            Collaboration.AnalysisRule.AGGREGATION,
            Collaboration.AnalysisRule.LIST,
            Collaboration.AnalysisRule.CUSTOM)
        .contains(type)) {
      throw new InvalidInputException(
          "Collaboration %s, %s.type: '%s' is not AGGREGATION, LIST or CUSTOM"
              .formatted(location, path, type));
    }
    return new Collaboration.AnalysisRule(
        type,
        aggregates,
        list(node, "dimension_columns", path, (v, at) -> v.asText()),
        list(node, "join_columns", path, (v, at) -> v.asText()),
        list(node, "list_columns", path, (v, at) -> v.asText()),
        optional(node, "user_column", "customer_user_id"),
        node.path("minimum_users").asLong(0));
  }

  private Collaboration.IdNamespace namespace(JsonNode node, String path) {
    return new Collaboration.IdNamespace(
        text(node, "name", path),
        optional(node, "type", "SOURCE"),
        optional(node, "method", ""),
        optional(node, "source_database", ""),
        optional(node, "region", ""),
        optional(node, "table", ""),
        optional(node, "schema_mapping", ""),
        list(
            node,
            "fields",
            path,
            (field, at) ->
                new Collaboration.SchemaField(
                    text(field, "input_field", at),
                    text(field, "type", at),
                    optional(field, "match_key", ""))));
  }

  private String text(JsonNode node, String field, String path) {
    JsonNode value = node.get(field);
    if (value == null || !value.isValueNode() || value.asText().isBlank()) {
      throw new InvalidInputException(
          "Collaboration %s: %s is missing".formatted(location, join(path, field)));
    }
    return value.asText();
  }

  private static String optional(JsonNode node, String field, String fallback) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? fallback : value.asText();
  }

  private <T> List<T> list(
      JsonNode node,
      String field,
      String path,
      java.util.function.BiFunction<JsonNode, String, T> element) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return List.of();
    }
    if (!value.isArray()) {
      throw new InvalidInputException(
          "Collaboration %s: %s must be a list".formatted(location, join(path, field)));
    }
    List<T> out = new ArrayList<>();
    for (int i = 0; i < value.size(); i++) {
      out.add(element.apply(value.get(i), "%s[%d]".formatted(join(path, field), i)));
    }
    return out;
  }

  private static String join(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }
}
