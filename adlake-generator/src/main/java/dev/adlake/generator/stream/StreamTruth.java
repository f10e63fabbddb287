package dev.adlake.generator.stream;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.InvalidInputException;
import dev.adlake.core.stream.StreamTopics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The expected answers of a generated event stream: the options it was generated with and, per
 * source ({@value StreamTopics#TRACKER}, {@value StreamTopics#BIDS}), what the enricher must count.
 * Saved as JSON so that a command can write it and a test or the quickstart read it back.
 *
 * <p>The JSON: the options ({@code seed}, {@code events}, {@code events_per_second}, {@code start},
 * {@code fault_rate}, {@code duplicate_rate}, {@code bid_share}), then {@code sources} mapping each
 * source to its counts and {@code total} with the sums. Counts are {@code records_sent}, {@code
 * distinct_valid_events}, {@code failed}, {@code failed_by_stage} ({@code parse}, {@code validate},
 * {@code enrich}), {@code failed_by_case}, {@code duplicates_sent}, {@code robot_events}, {@code
 * valid_events_by_country} (a list of {@code {"country": "US", "events": n}}, country {@code null}
 * for addresses outside the geography) and {@code valid_events_by_day} ({@code {"2026-11-23": n}});
 * each source also names its {@code topic}.
 *
 * @param sources the truth of each source, by source name
 */
public record StreamTruth(StreamGeneratorOptions options, Map<String, SourceTruth> sources) {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public StreamTruth {
    requireNonNull(options, "options is null");
    requireNonNull(sources, "sources is null");
    sources = Collections.unmodifiableMap(new LinkedHashMap<>(sources));
  }

  /** The truth of one source; a source without events has all counts zero. */
  public SourceTruth source(String source) {
    SourceTruth truth = sources.get(source);
    if (truth == null) {
      throw new InvalidInputException(
          "No source %s in the stream truth; sources: %s".formatted(source, sources.keySet()));
    }
    return truth;
  }

  /** The sums over every source. */
  public SourceTruth total() {
    return SourceTruth.sum(sources.values());
  }

  /** Writes the truth as JSON, creating the parent folders. */
  public void write(Path file) {
    requireNonNull(file, "file is null");
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, toJson());
    } catch (IOException e) {
      throw new ExternalFailureException(
          "Cannot write the stream truth to %s: %s".formatted(file, e.getMessage()), e);
    }
  }

  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("seed", options.seed());
    root.put("events", options.events());
    root.put("events_per_second", options.eventsPerSecond());
    root.put("start", options.start().toString());
    root.put("fault_rate", options.faultRate());
    root.put("duplicate_rate", options.duplicateRate());
    root.put("bid_share", options.bidShare());
    ObjectNode sourcesNode = root.putObject("sources");
    sources.forEach(
        (source, truth) -> {
          ObjectNode node = sourcesNode.putObject(source);
          node.put("topic", StreamTopics.ingested(source));
          writeCounts(node, truth);
        });
    writeCounts(root.putObject("total"), total());
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write the stream truth as JSON", e);
    }
  }

  /** Reads a truth that {@link #write} wrote. */
  public static StreamTruth read(Path file) {
    requireNonNull(file, "file is null");
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ExternalFailureException(
          "Cannot read the stream truth %s: %s".formatted(file, e.getMessage()), e);
    }
    try {
      return fromJson(text);
    } catch (InvalidInputException e) {
      throw new InvalidInputException(
          "Cannot read the stream truth %s: %s".formatted(file, e.getMessage()), e);
    }
  }

  public static StreamTruth fromJson(String text) {
    requireNonNull(text, "text is null");
    try {
      JsonNode root = JSON.readTree(text);
      StreamGeneratorOptions options =
          new StreamGeneratorOptions(
              required(root, "seed").asLong(),
              required(root, "events").asLong(),
              required(root, "events_per_second").asInt(),
              Instant.parse(required(root, "start").asText()),
              required(root, "fault_rate").asDouble(),
              required(root, "duplicate_rate").asDouble(),
              required(root, "bid_share").asDouble());
      Map<String, SourceTruth> sources = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> entry : required(root, "sources").properties()) {
        sources.put(entry.getKey(), readCounts(entry.getValue()));
      }
      return new StreamTruth(options, sources);
    } catch (JsonProcessingException | DateTimeParseException e) {
      throw new InvalidInputException("Not a stream truth: " + e.getMessage(), e);
    }
  }

  private static void writeCounts(ObjectNode node, SourceTruth truth) {
    node.put("records_sent", truth.recordsSent());
    node.put("distinct_valid_events", truth.distinctValidEvents());
    node.put("failed", truth.failed());
    ObjectNode stages = node.putObject("failed_by_stage");
    truth.failedByStage().forEach((stage, count) -> stages.put(stage.id(), count));
    ObjectNode cases = node.putObject("failed_by_case");
    truth.failedByCase().forEach(cases::put);
    node.put("duplicates_sent", truth.duplicatesSent());
    node.put("robot_events", truth.robotEvents());
    ArrayNode countries = node.putArray("valid_events_by_country");
    truth
        .validEventsByCountry()
        .forEach(
            (country, count) -> countries.addObject().put("country", country).put("events", count));
    ObjectNode days = node.putObject("valid_events_by_day");
    truth.validEventsByDay().forEach((day, count) -> days.put(day.toString(), count));
  }

  private static SourceTruth readCounts(JsonNode node) {
    Map<FailureStage, Long> stages = new EnumMap<>(FailureStage.class);
    required(node, "failed_by_stage")
        .properties()
        .forEach(e -> stages.put(stage(e.getKey()), e.getValue().asLong()));
    Map<String, Long> cases = new TreeMap<>();
    required(node, "failed_by_case")
        .properties()
        .forEach(e -> cases.put(e.getKey(), e.getValue().asLong()));
    Map<String, Long> countries = new HashMap<>();
    for (JsonNode country : required(node, "valid_events_by_country")) {
      JsonNode code = country.get("country");
      countries.put(
          code == null || code.isNull() ? null : code.asText(),
          required(country, "events").asLong());
    }
    SortedMap<LocalDate, Long> days = new TreeMap<>();
    required(node, "valid_events_by_day")
        .properties()
        .forEach(e -> days.put(LocalDate.parse(e.getKey()), e.getValue().asLong()));
    return new SourceTruth(
        required(node, "records_sent").asLong(),
        required(node, "distinct_valid_events").asLong(),
        stages,
        cases,
        required(node, "duplicates_sent").asLong(),
        required(node, "robot_events").asLong(),
        countries,
        days);
  }

  private static FailureStage stage(String id) {
    try {
      return FailureStage.fromId(id);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("Unknown failure stage " + id + " in failed_by_stage", e);
    }
  }

  private static JsonNode required(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw new InvalidInputException("Missing field " + field);
    }
    return value;
  }
}
