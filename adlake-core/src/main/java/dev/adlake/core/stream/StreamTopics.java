package dev.adlake.core.stream;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.avro.Schema;

/**
 * The Kafka topics of the event streams and the payloads they carry.
 *
 * <p>Sources write to {@code ingested-<source>}; the enricher reads every one of them and writes
 * {@code enriched-<source>} and, for events it cannot parse or enrich, {@value #FAILED_EVENTS}.
 *
 * <ul>
 *   <li>{@value #TRACKER} (JSON, one object per record): {@code event_id}, {@code event_type}
 *       ({@code page_view}, {@code impression} or {@code click}), {@code event_time} (ISO-8601
 *       instant), {@code ip} are required; {@code user_id}, {@code user_agent}, {@code page_url},
 *       {@code referrer} are optional.
 *   <li>{@value #BIDS} (Avro single-object encoding of {@link #bidRequestSchema()}): bid requests
 *       from the RTB exchange; {@code request_id} is the event id.
 * </ul>
 */
public final class StreamTopics {
  /** The ad tracker's web events. */
  public static final String TRACKER = "tracker";

  /** The exchange's bid requests. */
  public static final String BIDS = "bids";

  /**
   * Cookie-sync mappings from the mapper service (JSON, {@link
   * dev.adlake.core.identity.MappingEvent}); the enricher writes them to their own table.
   */
  public static final String MAPPING = "mapping";

  /** Events the enricher could not parse or enrich, with the stage and the reason. */
  public static final String FAILED_EVENTS = "failed-events";

  /** ShareThis's page views, sent by the partner event ingester in the tracker's JSON. */
  public static final String SHARETHIS = "st";

  /** 33Across's page views, sent by the partner event ingester in the tracker's JSON. */
  public static final String THIRTYTHREEACROSS = "tt";

  /** Every source the platform's generator produces. */
  public static final List<String> SOURCES = List.of(TRACKER, BIDS);

  /** The partners' page-view sources, sent by the partner event ingester. */
  public static final List<String> PARTNER_SOURCES = List.of(SHARETHIS, THIRTYTHREEACROSS);

  /** Every source the enricher takes out of the box: the generator's and the partners'. */
  public static final List<String> ENRICHED_SOURCES =
      List.of(TRACKER, BIDS, SHARETHIS, THIRTYTHREEACROSS);

  /** The topics the enricher subscribes to. */
  public static final Pattern INGESTED = Pattern.compile("ingested-[a-z0-9][a-z0-9_.-]*");

  private static final String INGESTED_PREFIX = "ingested-";
  private static final String ENRICHED_PREFIX = "enriched-";

  private StreamTopics() {}

  public static String ingested(String source) {
    return INGESTED_PREFIX + source;
  }

  public static String enriched(String source) {
    return ENRICHED_PREFIX + source;
  }

  /** The source of an {@code ingested-} topic. */
  public static String sourceOf(String ingestedTopic) {
    if (!ingestedTopic.startsWith(INGESTED_PREFIX)) {
      throw new IllegalArgumentException("Not an ingested-<source> topic: " + ingestedTopic);
    }
    return ingestedTopic.substring(INGESTED_PREFIX.length());
  }

  /** The declared Avro schema of {@value #BIDS}. */
  public static Schema bidRequestSchema() {
    return Holder.BID_REQUEST;
  }

  private static final class Holder {
    static final Schema BID_REQUEST = load("/dev/adlake/stream/bid-request.avsc");

    private static Schema load(String resource) {
      try (InputStream in = StreamTopics.class.getResourceAsStream(resource)) {
        return new Schema.Parser().parse(in);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + resource, e);
      }
    }
  }
}
