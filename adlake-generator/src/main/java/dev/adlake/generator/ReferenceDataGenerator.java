package dev.adlake.generator;

import static dev.adlake.core.feed.BuiltInFeeds.DMAP_PREFIX;
import static dev.adlake.core.feed.BuiltInFeeds.ODS_CHANGES_PREFIX;
import static dev.adlake.core.feed.BuiltInFeeds.ODS_PREFIX;
import static dev.adlake.core.feed.BuiltInFeeds.SNAPSHOTS_PREFIX;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.adlake.core.ExternalFailureException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;

/**
 * Lands the feeds of every load mode beside the ad data, with their true final state:
 *
 * <ul>
 *   <li>an ODS full load ({@code cubic/ods_qlik/EDW.SAMPLE/LOAD00000001.csv.gz}, two parts) and its
 *       change files ({@code EDW.SAMPLE__ct/YYYYMMDD-HHMMSSmmm.csv.gz}) with inserts, updates and
 *       deletes, as the ingestion design's Qlik feed;
 *   <li>daily DMAP aggregates ({@code cubic/dmap/agg_sample/YYYYMMDD.csv}), appended;
 *   <li>dated snapshot folders ({@code omc/infobase_attributes/raw_input/snapshot_dt=.../}), of
 *       which the latest is the table.
 * </ul>
 */
public final class ReferenceDataGenerator {

  /** The true final state of the ODS table: id, name, fare, after every change file. */
  public static final String EXPECTED_ODS_FILE = "ods_edw_sample_final.csv";

  /** The true figures of the other feeds. */
  public static final String EXPECTED_REFERENCE_FILE = "reference_feeds.json";

  private static final String[] STATIONS = {
    "alewife",
    "davis",
    "porter",
    "harvard",
    "central",
    "kendall",
    "charles",
    "park",
    "downtown",
    "south",
    "broadway",
    "andrew",
    "jfk",
    "savin",
    "fields",
    "shawmut",
    "ashmont"
  };

  private static final java.time.format.DateTimeFormatter CHANGE_FILE_NAME =
      java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmssSSS").withZone(ZoneOffset.UTC);

  private ReferenceDataGenerator() {}

  /** Writes the feeds under the landing zone and the truth under the expected folder. */
  public static void generate(long seed, Path landing, Path expected, int rows) {
    SplittableRandom random = new SplittableRandom(seed ^ 0x0D5_0D5L);
    Instant base = Instant.parse("2022-03-04T06:00:00Z");
    try {
      // The full load: ids 1..rows in two parts.
      TreeMap<Integer, String> state = new TreeMap<>();
      int half = rows / 2;
      StringBuilder part1 = new StringBuilder("id,name,fare,updated_at\n");
      StringBuilder part2 = new StringBuilder("id,name,fare,updated_at\n");
      for (int id = 1; id <= rows; id++) {
        String name = STATIONS[random.nextInt(STATIONS.length)] + "-" + id;
        String fare = cents(random.nextInt(150, 1500));
        String row = id + "," + name + "," + fare;
        state.put(id, row);
        (id <= half ? part1 : part2).append(row).append(",2022-03-04T06:00:00Z\n");
      }
      gzip(landing.resolve(ODS_PREFIX + "LOAD00000001.csv.gz"), part1.toString(), base);
      gzip(
          landing.resolve(ODS_PREFIX + "LOAD00000002.csv.gz"),
          part2.toString(),
          base.plusSeconds(1));

      // Three change files: updates, inserts, deletes, some keys changed twice in one file.
      long sequence = 1000;
      int nextId = rows + 1;
      for (int file = 0; file < 3; file++) {
        Instant at = base.plusSeconds(3600L * (file + 1));
        StringBuilder changes =
            new StringBuilder(
                "header__change_seq,header__change_oper,header__timestamp,id,name,fare,updated_at\n");
        for (int change = 0; change < Math.max(4, rows / 10); change++) {
          int kind = random.nextInt(10);
          String time = at.plusMillis(change).toString();
          if (kind < 5 && !state.isEmpty()) {
            int id = pick(state, random);
            String[] old = state.get(id).split(",");
            String row = id + "," + old[1] + "," + cents(random.nextInt(150, 1500));
            changes
                .append(++sequence)
                .append(",B,")
                .append(time)
                .append(',')
                .append(state.get(id))
                .append(',')
                .append(time)
                .append('\n');
            changes
                .append(++sequence)
                .append(",U,")
                .append(time)
                .append(',')
                .append(row)
                .append(',')
                .append(time)
                .append('\n');
            state.put(id, row);
          } else if (kind < 8) {
            int id = nextId++;
            String row =
                id
                    + ","
                    + STATIONS[random.nextInt(STATIONS.length)]
                    + "-"
                    + id
                    + ","
                    + cents(random.nextInt(150, 1500));
            changes
                .append(++sequence)
                .append(",I,")
                .append(time)
                .append(',')
                .append(row)
                .append(',')
                .append(time)
                .append('\n');
            state.put(id, row);
          } else if (!state.isEmpty()) {
            int id = pick(state, random);
            changes
                .append(++sequence)
                .append(",D,")
                .append(time)
                .append(',')
                .append(state.get(id))
                .append(',')
                .append(time)
                .append('\n');
            state.remove(id);
          }
        }
        String name = String.format("%tY%<tm%<td-%<tH%<tM%<tS%<tL.csv.gz", java.util.Date.from(at));
        gzip(
            landing.resolve(ODS_CHANGES_PREFIX + name.replaceFirst("^(\\d{8})(\\d)", "$1-$2")),
            changes.toString(),
            at);
      }

      // Daily aggregates, appended.
      long dmapRows = 0;
      long dmapRiders = 0;
      for (int day = 0; day < 3; day++) {
        LocalDate date = LocalDate.of(2022, 3, 4).plusDays(day);
        StringBuilder daily = new StringBuilder("service_date,station,riders\n");
        for (String station : STATIONS) {
          int riders = random.nextInt(100, 5000);
          daily.append(date).append(',').append(station).append(',').append(riders).append('\n');
          dmapRows++;
          dmapRiders += riders;
        }
        plain(
            landing.resolve(DMAP_PREFIX + date.toString().replace("-", "") + ".csv"),
            daily.toString(),
            date.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC));
      }

      // Two dated snapshots; the latest (in two parts) is the table.
      long latestRows = 0;
      String[] dates = {"2025-10-15", "2025-10-22"};
      for (int d = 0; d < dates.length; d++) {
        int parts = d == 0 ? 1 : 2;
        for (int part = 0; part < parts; part++) {
          StringBuilder snapshot = new StringBuilder("customer_user_id,segment,score\n");
          int count = rows / 2 + d * 7 + part;
          for (int i = 0; i < count; i++) {
            snapshot
                .append("cu-")
                .append(d)
                .append('-')
                .append(part)
                .append('-')
                .append(i)
                .append(',')
                .append("seg")
                .append(random.nextInt(12))
                .append(',')
                .append(random.nextInt(1000))
                .append('\n');
          }
          if (d == dates.length - 1) {
            latestRows += count;
          }
          plain(
              landing.resolve(
                  SNAPSHOTS_PREFIX + "snapshot_dt=" + dates[d] + "/part-" + part + ".csv"),
              snapshot.toString(),
              Instant.parse(dates[d] + "T02:00:00Z").plusSeconds(part));
        }
      }

      Files.createDirectories(expected);
      try (Writer out = Files.newBufferedWriter(expected.resolve(EXPECTED_ODS_FILE))) {
        out.write("id,name,fare\n");
        for (String row : state.values()) {
          out.write(row + "\n");
        }
      }
      Map<String, Object> truth = new LinkedHashMap<>();
      truth.put("ods_rows", state.size());
      truth.put("dmap_rows", dmapRows);
      truth.put("dmap_riders", dmapRiders);
      truth.put("snapshot_dt_latest", dates[dates.length - 1]);
      truth.put("snapshot_latest_rows", latestRows);
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValue(expected.resolve(EXPECTED_REFERENCE_FILE).toFile(), truth);
    } catch (IOException e) {
      throw new ExternalFailureException(
          "Cannot write reference feeds under %s: %s".formatted(landing, e.getMessage()), e);
    }
  }

  private static int pick(TreeMap<Integer, String> state, SplittableRandom random) {
    Integer[] ids = state.keySet().toArray(Integer[]::new);
    return ids[random.nextInt(ids.length)];
  }

  private static String cents(int cents) {
    return cents / 100 + "." + String.format("%02d", cents % 100);
  }

  private static void gzip(Path file, String content, Instant modified) throws IOException {
    Files.createDirectories(file.getParent());
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(content.getBytes(StandardCharsets.UTF_8));
    }
    Files.setLastModifiedTime(file, FileTime.from(modified));
  }

  private static void plain(Path file, String content, Instant modified) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    Files.setLastModifiedTime(file, FileTime.from(modified));
  }
}
