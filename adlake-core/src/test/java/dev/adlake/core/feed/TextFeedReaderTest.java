package dev.adlake.core.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class TextFeedReaderTest {
  private static final FeedSchema SCHEMA =
      FeedSchema.parse("id int not null, name string, at timestamp, price decimal(12,2)");

  private static Feed feed(FileFormat format, boolean header, Optional<FeedSchema> schema) {
    return new Feed(
        "test",
        "partner/test/",
        format,
        schema,
        SchemaEvolution.FAIL,
        "raw.partner__test",
        Optional.empty(),
        LoadMode.APPEND,
        header,
        List.of(),
        Optional.empty(),
        0.1,
        Optional.empty());
  }

  private static final class Collected implements RowSink {
    final List<String> rows = new ArrayList<>();
    final List<String> rejects = new ArrayList<>();

    @Override
    public void row(long line, Object[] values) {
      rows.add(line + ":" + java.util.Arrays.toString(values));
    }

    @Override
    public void reject(long line, String raw, String reason) {
      rejects.add(line + ":" + reason + ":" + raw);
    }
  }

  private static Collected read(Feed feed, String name, byte[] bytes) {
    Collected sink = new Collected();
    TextFeedReader.read(feed, feed.schema(), new ByteArrayInputStream(bytes), name, sink);
    return sink;
  }

  @Test
  void csvWithHeaderFindsColumnsByNameAndRejectsByLineWithTheField() {
    String csv =
        """
        name,id,at,price
        "Smith, J",1,2026-11-01T10:00:00Z,12.50
        ann,x,2026-11-01T10:00:00Z,1

        bob,,2026-11-01 10:00:00,1
        carl,4,not a time,1
        dan,5,2026-11-01T10:00:00Z
        "open,6,2026-11-01T10:00:00Z,1
        """;
    Collected sink =
        read(
            feed(FileFormat.CSV, true, Optional.of(SCHEMA)),
            "a.csv",
            csv.getBytes(StandardCharsets.UTF_8));
    assertThat(sink.rows).containsExactly("2:[1, Smith, J, 2026-11-01T10:00:00Z, 12.50]");
    assertThat(sink.rejects)
        .containsExactly(
            "3:field id: 'x' is not an integer:ann,x,2026-11-01T10:00:00Z,1",
            "5:required field id is missing:bob,,2026-11-01 10:00:00,1",
            "6:field at: 'not a time' is not a timestamp (ISO-8601):carl,4,not a time,1",
            "7:line has 3 fields, expected 4:dan,5,2026-11-01T10:00:00Z",
            "8:a quoted field is not closed:\"open,6,2026-11-01T10:00:00Z,1");
  }

  @Test
  void headerWithoutARequiredColumnFailsTheFile() {
    assertThatThrownBy(
            () ->
                read(
                    feed(FileFormat.CSV, true, Optional.of(SCHEMA)),
                    "b.csv",
                    "name\nx\n".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(FileReadException.class)
        .hasMessage("Cannot load b.csv: its header lacks the required column id (header: name)");
  }

  @Test
  void tsvIsPositionalAndCompressedFilesAreReadByTheirExtension() throws IOException {
    byte[] tsv = "1\tann\t2026-11-01T10:00:00Z\t3.5\n2\tbob\t\t\n".getBytes(StandardCharsets.UTF_8);
    Feed feed = feed(FileFormat.TSV, false, Optional.of(SCHEMA));
    assertThat(read(feed, "plain.tsv", tsv).rows).hasSize(2);
    assertThat(read(feed, "zipped.tsv.gz", compress(tsv, true)).rows).hasSize(2);
    assertThat(read(feed, "zstd.tsv.zst", compress(tsv, false)).rows)
        .containsExactly("1:[1, ann, 2026-11-01T10:00:00Z, 3.5]", "2:[2, bob, null, null]");
  }

  @Test
  void corruptGzipFailsTheFileByName() {
    byte[] broken = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 0, 5, 6, 7};
    assertThatThrownBy(
            () -> read(feed(FileFormat.TSV, false, Optional.of(SCHEMA)), "dir/x.tsv.gz", broken))
        .isInstanceOf(FileReadException.class)
        .hasMessageStartingWith("Cannot read dir/x.tsv.gz: corrupt gzip data")
        .message()
        .doesNotContain("null");
  }

  @Test
  void aByteOrderMarkIsNotPartOfTheFirstRowAndCarriageReturnsEndNoField() {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    byte[] tsv =
        "1\tann\t2026-11-01T10:00:00Z\t3.5\r\n2\tbob\t\t\r\n".getBytes(StandardCharsets.UTF_8);
    byte[] marked = new byte[bom.length + tsv.length];
    System.arraycopy(bom, 0, marked, 0, bom.length);
    System.arraycopy(tsv, 0, marked, bom.length, tsv.length);
    Feed feed = feed(FileFormat.TSV, false, Optional.of(SCHEMA));
    Collected read = read(feed, "windows.tsv", marked);
    assertThat(read.rejects).isEmpty();
    assertThat(read.rows)
        .containsExactly("1:[1, ann, 2026-11-01T10:00:00Z, 3.5]", "2:[2, bob, null, null]");
    // A header with a mark finds its first column by name.
    byte[] csv = "\uFEFFid,name\r\n7,eve\r\n".getBytes(StandardCharsets.UTF_8);
    Collected headed = read(feed(FileFormat.CSV, true, Optional.of(SCHEMA)), "h.csv", csv);
    assertThat(headed.rejects).isEmpty();
    assertThat(headed.rows).containsExactly("2:[7, eve, null, null]");
  }

  @Test
  void jsonLinesRejectBrokenLinesAndInferColumnsWhenNoSchema() {
    String json =
        """
        {"id": 1, "name": "ann", "at": "2026-11-01T10:00:00Z"}
        {"id": 2, "name":
        [1, 2]
        {"id": "x"}
        """;
    Collected typed =
        read(
            feed(FileFormat.JSON, false, Optional.of(SCHEMA)),
            "a.jsonl",
            json.getBytes(StandardCharsets.UTF_8));
    assertThat(typed.rows)
        .containsExactly("1:[1, ann, " + Instant.parse("2026-11-01T10:00:00Z") + ", null]");
    assertThat(typed.rejects).hasSize(3);
    assertThat(typed.rejects.get(0)).startsWith("2:not valid JSON");
    assertThat(typed.rejects.get(1)).startsWith("3:not a JSON object");
    assertThat(typed.rejects.get(2)).startsWith("4:field id: 'x' is not an integer");

    Collected inferred =
        read(
            feed(FileFormat.JSON, false, Optional.empty()),
            "b.jsonl",
            "{\"a\": 1}\n{\"a\": 2, \"b\": \"x\"}\n".getBytes(StandardCharsets.UTF_8));
    assertThat(inferred.rows).containsExactly("1:[1, null]", "2:[2, x]");
  }

  @Test
  void schemasParseWithDecimalsAndRefuseNonsense() {
    FeedSchema schema = FeedSchema.parse("v decimal(12,2) not null, n string");
    assertThat(schema.columns().get(0).precision()).isEqualTo(12);
    assertThat(schema.columns().get(0).scale()).isEqualTo(2);
    assertThat(schema.columns().get(0).required()).isTrue();
    assertThatThrownBy(() -> FeedSchema.parse("a integr"))
        .hasMessageContaining("unknown type 'integr'");
    assertThatThrownBy(() -> FeedSchema.parse("a int null"))
        .hasMessageContaining("expected 'not null' after the type");
  }

  @Test
  void tableNamesFollowTheConvention() {
    assertThat(Feed.tableNameFor("raw", "cubic/ods_qlik/EDW.SAMPLE/"))
        .isEqualTo("raw.cubic__ods_qlik__edw_sample");
    assertThat(Feed.tableNameFor("raw", "cubic/dmap/agg_sample"))
        .isEqualTo("raw.cubic__dmap__agg_sample");
  }

  private static byte[] compress(byte[] bytes, boolean gzip) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream compressed = gzip ? new GZIPOutputStream(out) : new ZstdOutputStream(out)) {
      compressed.write(bytes);
    }
    return out.toByteArray();
  }
}
