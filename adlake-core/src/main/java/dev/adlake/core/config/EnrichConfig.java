package dev.adlake.core.config;

import dev.adlake.core.InvalidInputException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The stream enricher: which enrichments it applies to each event (geography, user agent, URL
 * parts), how it protects personal data (truncated IPs, keyed pseudonyms of user ids) and how long
 * it remembers event ids to drop duplicates.
 *
 * <p>A missing pseudonym key is not a configuration error, since the quickstart creates one; the
 * enricher asks for it with {@link #requirePseudonymKey()}. {@link #toString()} masks the key.
 *
 * @param geo whether the geography of the client IP is added
 * @param geoDatabase a MaxMind {@code .mmdb} or an IP-range CSV; empty: the shipped sample CSV
 * @param userAgent whether device class, OS, browser and robot flag are added
 * @param urls whether host, registrable domain, path and UTM parameters of the page URL are added
 * @param anonymizeIp whether the stored IP is truncated (IPv4 /24, IPv6 /48)
 * @param pseudonymizeUserIds whether user ids are replaced by a keyed HMAC-SHA256 pseudonym
 * @param pseudonymKey the HMAC key, a secret; empty when not set
 * @param dedupeWindowMinutes how long an event id is remembered to drop its duplicates
 * @param triggerSeconds seconds between two micro-batches of a running enricher
 * @param maxEventsPerBatch the most records one micro-batch reads
 * @param checkpoint where the enricher keeps its offsets and deduplication state; empty: the
 *     default, under the home or the warehouse
 */
public record EnrichConfig(
    boolean geo,
    Optional<Path> geoDatabase,
    boolean userAgent,
    boolean urls,
    boolean anonymizeIp,
    boolean pseudonymizeUserIds,
    Optional<String> pseudonymKey,
    int dedupeWindowMinutes,
    int triggerSeconds,
    int maxEventsPerBatch,
    Optional<URI> checkpoint) {
  /** The shortest pseudonym key accepted, in bytes (UTF-8): 128 bits. */
  public static final int MINIMUM_KEY_BYTES = 16;

  /** The file of the home's secrets holding the keys of the completed rotations, oldest first. */
  public static final String ROTATIONS_FILE = "enrich-pseudonym-rotations";

  /** The file of the home's secrets holding the new key of a rotation under way. */
  public static final String PENDING_ROTATION_FILE = "enrich-pseudonym-rotation-pending";

  public static final ConfigKey<Boolean> GEO =
      ConfigKey.of(
          "enrich.geo",
          ValueType.bool(),
          "true",
          "Add country, region and city of the client IP to each event");
  public static final ConfigKey<Path> GEO_DATABASE =
      ConfigKey.of(
          "enrich.geo-database",
          ValueType.path(),
          null,
          "A MaxMind .mmdb (GeoLite2/GeoIP2 City) or a CSV of start_ip,end_ip,country,region,city;"
              + " unset: the shipped sample on documentation ranges");
  public static final ConfigKey<Boolean> USER_AGENT =
      ConfigKey.of(
          "enrich.user-agent",
          ValueType.bool(),
          "true",
          "Add device class, operating system, browser and a robot flag parsed from the user agent");
  public static final ConfigKey<Boolean> URLS =
      ConfigKey.of(
          "enrich.urls",
          ValueType.bool(),
          "true",
          "Add host, registrable domain, path and UTM parameters of the page URL");
  public static final ConfigKey<Boolean> ANONYMIZE_IP =
      ConfigKey.of(
          "enrich.anonymize-ip",
          ValueType.bool(),
          "true",
          "Store the client IP truncated: IPv4 last octet zeroed, IPv6 after the first 48 bits");
  public static final ConfigKey<Boolean> PSEUDONYMIZE_USER_IDS =
      ConfigKey.of(
          "enrich.pseudonymize-user-ids",
          ValueType.bool(),
          "true",
          "Replace user ids by a keyed pseudonym (HMAC-SHA256 with enrich.pseudonym-key)");
  public static final ConfigKey<String> PSEUDONYM_KEY =
      ConfigKey.of(
          "enrich.pseudonym-key",
          ValueType.secret(MINIMUM_KEY_BYTES),
          null,
          "Secret key of the user-id pseudonyms (prefer the env var; shown masked); the same key"
              + " gives the same pseudonyms");
  public static final ConfigKey<Integer> DEDUPE_WINDOW_MINUTES =
      ConfigKey.of(
          "enrich.dedupe-window-minutes",
          ValueType.integer(1, 1440),
          "10",
          "How long an event id is remembered to drop its duplicates");

  public static final ConfigKey<Integer> TRIGGER_SECONDS =
      ConfigKey.of(
          "enrich.trigger-seconds",
          ValueType.integer(1, 3600),
          "2",
          "Seconds between two micro-batches of a running enricher: the floor of its latency");
  public static final ConfigKey<Integer> MAX_EVENTS_PER_BATCH =
      ConfigKey.of(
          "enrich.max-events-per-batch",
          ValueType.integer(1000, 100_000_000),
          "500000",
          "The most records one micro-batch reads, so a backlog is worked off in bounded batches");

  public static final ConfigKey<URI> CHECKPOINT =
      ConfigKey.of(
          "enrich.checkpoint",
          ValueType.uri("file", "s3a"),
          null,
          "The enricher's offsets and state, on storage every executor reaches (s3a:// on a"
              + " cluster); unset: <home>/streams/checkpoints/enricher, or"
              + " <lake.warehouse>/checkpoints/enricher for an s3a:// warehouse");

  static List<ConfigKey<?>> keys() {
    return List.of(
        GEO,
        GEO_DATABASE,
        USER_AGENT,
        URLS,
        ANONYMIZE_IP,
        PSEUDONYMIZE_USER_IDS,
        PSEUDONYM_KEY,
        DEDUPE_WINDOW_MINUTES,
        TRIGGER_SECONDS,
        MAX_EVENTS_PER_BATCH,
        CHECKPOINT);
  }

  static EnrichConfig from(ConfigValues values) {
    return new EnrichConfig(
        values.get(GEO),
        values.find(GEO_DATABASE),
        values.get(USER_AGENT),
        values.get(URLS),
        values.get(ANONYMIZE_IP),
        values.get(PSEUDONYMIZE_USER_IDS),
        values.find(PSEUDONYM_KEY),
        values.get(DEDUPE_WINDOW_MINUTES),
        values.get(TRIGGER_SECONDS),
        values.get(MAX_EVENTS_PER_BATCH),
        values.find(CHECKPOINT));
  }

  /**
   * The pseudonym key, which must be set when user ids are pseudonymized.
   *
   * @throws InvalidInputException when no key is set, naming the key and its environment variable
   */
  public String requirePseudonymKey() {
    return pseudonymKey.orElseThrow(
        () ->
            new InvalidInputException(
                ("Set %s (or the environment variable %s) to a secret of at least %d bytes:"
                        + " %s is true and user ids are pseudonymized with that key")
                    .formatted(
                        PSEUDONYM_KEY.name(),
                        PSEUDONYM_KEY.environmentVariable(),
                        MINIMUM_KEY_BYTES,
                        PSEUDONYMIZE_USER_IDS.name())));
  }

  /** The values, with the pseudonym key masked. */
  @Override
  public String toString() {
    return ("EnrichConfig[geo=%s, geoDatabase=%s, userAgent=%s, urls=%s, anonymizeIp=%s,"
            + " pseudonymizeUserIds=%s, pseudonymKey=%s, dedupeWindowMinutes=%d, triggerSeconds=%d,"
            + " maxEventsPerBatch=%d, checkpoint=%s]")
        .formatted(
            geo,
            geoDatabase,
            userAgent,
            urls,
            anonymizeIp,
            pseudonymizeUserIds,
            pseudonymKey.map(key -> ConfigKey.MASK).orElse("(unset)"),
            dedupeWindowMinutes,
            triggerSeconds,
            maxEventsPerBatch,
            checkpoint);
  }
}
