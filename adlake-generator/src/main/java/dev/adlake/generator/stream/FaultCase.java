package dev.adlake.generator.stream;

import dev.adlake.core.stream.StreamTopics;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The faulty records the generator sends on purpose, each failing at exactly one stage of the
 * enricher, chosen so that any reading of the contract fails it at that stage.
 */
enum FaultCase {
  /** A JSON object cut off halfway, as a client killed mid-request sends. */
  TRACKER_TRUNCATED_JSON(StreamTopics.TRACKER, FailureStage.PARSE),
  /** The event as a form-encoded body ({@code event_id=...&event_type=...}) instead of JSON. */
  TRACKER_FORM_ENCODED(StreamTopics.TRACKER, FailureStage.PARSE),
  /** No {@code event_id}. */
  TRACKER_MISSING_EVENT_ID(StreamTopics.TRACKER, FailureStage.VALIDATE),
  /** {@code event_type} is {@code conversion}, not one of the three. */
  TRACKER_UNKNOWN_EVENT_TYPE(StreamTopics.TRACKER, FailureStage.VALIDATE),
  /** {@code event_time} is {@code 2026-13-45T25:61:00.000Z}: month 13, hour 25. */
  TRACKER_IMPOSSIBLE_EVENT_TIME(StreamTopics.TRACKER, FailureStage.VALIDATE),
  /** {@code ip} is a JSON array of the forwarding chain, not a string. */
  TRACKER_IP_ARRAY(StreamTopics.TRACKER, FailureStage.VALIDATE),
  /** {@code ip} is {@code unknown}, as proxies log a missing address. */
  TRACKER_IP_NOT_LITERAL(StreamTopics.TRACKER, FailureStage.VALIDATE),
  /** {@code page_url} is a path without scheme and host. */
  TRACKER_RELATIVE_PAGE_URL(StreamTopics.TRACKER, FailureStage.ENRICH),
  /** {@code referrer} is an Android app's {@code android-app://} address. */
  TRACKER_APP_REFERRER(StreamTopics.TRACKER, FailureStage.ENRICH),
  /** The bid request as JSON text on the Avro topic. */
  BIDS_JSON_NOT_AVRO(StreamTopics.BIDS, FailureStage.PARSE),
  /** Avro single-object encoding cut off halfway through the body. */
  BIDS_TRUNCATED_AVRO(StreamTopics.BIDS, FailureStage.PARSE),
  /** Avro single-object encoding of an undeclared schema (an extra field): unknown fingerprint. */
  BIDS_UNKNOWN_SCHEMA(StreamTopics.BIDS, FailureStage.PARSE),
  /** {@code ip} is the empty string. */
  BIDS_EMPTY_IP(StreamTopics.BIDS, FailureStage.VALIDATE),
  /** {@code site_url} is an app's bundle id ({@code com.example.puzzlegame}), not a URL. */
  BIDS_APP_BUNDLE_SITE_URL(StreamTopics.BIDS, FailureStage.ENRICH);

  private final String source;
  private final FailureStage stage;

  FaultCase(String source, FailureStage stage) {
    this.source = source;
    this.stage = stage;
  }

  String source() {
    return source;
  }

  FailureStage stage() {
    return stage;
  }

  /** The case as the truth names it: {@code tracker-truncated-json}. */
  String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static List<FaultCase> of(String source) {
    return Arrays.stream(values()).filter(fault -> fault.source.equals(source)).toList();
  }
}
