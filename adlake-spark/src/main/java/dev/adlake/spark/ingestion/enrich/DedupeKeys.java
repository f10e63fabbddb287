package dev.adlake.spark.ingestion.enrich;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.adlake.core.stream.StreamTopics;
import java.io.IOException;
import java.util.Arrays;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.spark.sql.api.java.UDF4;

/**
 * The key the enricher deduplicates on, computed before enrichment so that only the Kafka record
 * crosses the shuffle: (source, event id) for a record whose event id can be read, its position in
 * the topic for one whose id cannot, so that it is never taken for a duplicate. Reads no more of
 * the payload than it needs: the JSON fields up to {@code event_id}, or the {@code request_id} that
 * opens an Avro bid request. A re-sent event is dropped whether or not it later fails: its first
 * copy is in the table or among the failed events.
 */
final class DedupeKeys implements UDF4<String, byte[], Integer, Long, String> {
  private static final JsonFactory JSON = new JsonFactory();

  /** Avro single-object encoding: a two-byte marker, then the schema's 64-bit fingerprint. */
  private static final byte[] BID_HEADER = bidHeader();

  private final String topicPrefix;

  /**
   * @param topicPrefix what precedes {@code ingested-<source>} in topic names ("" normally)
   */
  DedupeKeys(String topicPrefix) {
    this.topicPrefix = topicPrefix;
  }

  @Override
  public String call(String topic, byte[] payload, Integer partition, Long offset) {
    String source = StreamTopics.sourceOf(topic.substring(topicPrefix.length()));
    String id = null;
    if (payload != null) {
      id = StreamTopics.BIDS.equals(source) ? bidId(payload) : jsonId(payload);
    }
    if (id == null || id.isBlank()) {
      return "\u0001" + EventEnricher.position(topic, partition, offset);
    }
    return source + '\u0000' + id;
  }

  /** The {@code event_id} string of a JSON object, or null. */
  static String jsonId(byte[] payload) {
    try (JsonParser parser = JSON.createParser(payload)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      for (JsonToken token = parser.nextToken();
          token == JsonToken.FIELD_NAME;
          token = parser.nextToken()) {
        boolean wanted = "event_id".equals(parser.currentName());
        JsonToken value = parser.nextToken();
        if (wanted) {
          return value == JsonToken.VALUE_STRING ? parser.getText() : null;
        }
        parser.skipChildren();
      }
      return null;
    } catch (IOException e) {
      return null;
    }
  }

  /** The {@code request_id} of an Avro bid request of the declared schema, or null. */
  private static String bidId(byte[] payload) {
    if (payload.length <= BID_HEADER.length
        || !Arrays.equals(payload, 0, BID_HEADER.length, BID_HEADER, 0, BID_HEADER.length)) {
      return null;
    }
    try {
      BinaryDecoder decoder =
          DecoderFactory.get()
              .binaryDecoder(payload, BID_HEADER.length, payload.length - BID_HEADER.length, null);
      return decoder.readString();
    } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException e) {
      return null;
    }
  }

  private static byte[] bidHeader() {
    long fingerprint = SchemaNormalization.parsingFingerprint64(StreamTopics.bidRequestSchema());
    byte[] header = new byte[10];
    header[0] = (byte) 0xC3;
    header[1] = (byte) 0x01;
    for (int i = 0; i < 8; i++) {
      header[2 + i] = (byte) (fingerprint >>> (8 * i));
    }
    return header;
  }
}
