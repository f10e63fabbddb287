package dev.adlake.generator.browsing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.feed.BuiltInFeeds;
import dev.adlake.core.taxonomy.ContentTaxonomy.Category;
import dev.adlake.generator.browsing.BrowsingUniverse.Domain;
import dev.adlake.generator.browsing.BrowsingUniverse.PageView;
import dev.adlake.generator.browsing.BrowsingUniverse.Person;
import dev.adlake.generator.stream.IpGeography;
import dev.adlake.generator.stream.UserAgents;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.IntConsumer;
import java.util.zip.GZIPOutputStream;

/**
 * Lands the partners' browsing data and its true answers (the web-browsing-events flow of the
 * data-flow design):
 *
 * <ul>
 *   <li>ShareThis page views in ShareThis's own bucket, {@value #SHARETHIS_PAGEVIEWS}{@code
 *       YYYY/MM/DD/HH/part-0000N.tsv.gz}: gzipped TSV without header, {@link #SHARETHIS_COLUMNS};
 *       the time in epoch milliseconds, the page keywords joined by {@code |};
 *   <li>33Across page views in the landing zone, {@value #THIRTYTHREEACROSS_PAGEVIEWS}{@code
 *       dt=YYYY-MM-DD/hr=HH/part-0.json.gz}: gzipped JSON lines, {@code {"uid", "ts" (epoch
 *       seconds), "page": {"url", "referrer"}, "device": {"ip", "ua"}}};
 *   <li>Xandr log-level impressions in the landing zone, {@value #XANDR_STANDARD_FEED}{@code
 *       YYYY/MM/DD/HH/standard_feed_YYYYMMDDHH_0.csv.gz}: gzipped CSV with header, {@link
 *       #XANDR_COLUMNS};
 *   <li>the partner's domain categories ({@value #PARTNER_CATEGORIES}) and the vendor's ({@value
 *       #VENDOR_CATEGORIES}), dated snapshots ({@code snapshot_dt=YYYY-MM-DD/}), each labelling a
 *       share of the domains by the ids of the Content Taxonomy, some wrongly;
 *   <li>the partners' ids of the people with our user id, a partner mapping file in {@value
 *       #PARTNER_MAPPINGS}{@code /YYYY-MM-DD/}, for the identity graph to join.
 * </ul>
 *
 * <p>The truth, under {@code <expected>/browsing/}: {@value #DOMAINS_TRUTH_FILE} (every domain's
 * true category, whether its name is opaque, its page views and Xandr impressions, and the labels
 * the files gave it) and {@value #SUMMARY_FILE} (counts per partner and file, Xandr totals) and
 * {@value #PEOPLE_TRUTH_FILE} (each person's ids at the partners, with our user id).
 */
public final class BrowsingGenerator {
  /** Under ShareThis's bucket: its page views. */
  public static final String SHARETHIS_PAGEVIEWS = "pageviews/";

  /** Under the landing zone: the copies of ShareThis's files the raw ingester makes. */
  public static final String SHARETHIS_RAW = "sharethis/";

  public static final String THIRTYTHREEACROSS_PAGEVIEWS = "33across/pageviews/";
  public static final String XANDR_STANDARD_FEED = BuiltInFeeds.XANDR_STANDARD_FEED;
  public static final String PARTNER_CATEGORIES = BuiltInFeeds.PARTNER_CATEGORIES;
  public static final String PARTNER_MAPPINGS = BuiltInFeeds.PARTNER_MAPPINGS;
  public static final String VENDOR_CATEGORIES = BuiltInFeeds.VENDOR_CATEGORIES;

  public static final List<String> SHARETHIS_COLUMNS =
      List.of("stid", "timestamp_ms", "url", "referrer", "ip", "user_agent", "keywords");

  public static final List<String> XANDR_COLUMNS =
      List.of(
          "auction_id_64",
          "date_time",
          "user_id_64",
          "site_domain",
          "placement_id",
          "creative_id",
          "advertiser_id",
          "line_item_id",
          "media_cost_dollars_cpm",
          "clicks");

  public static final String DOMAINS_TRUTH_FILE = "domains.csv";
  public static final String SUMMARY_FILE = "summary.json";

  /** The partners' ids of every person, in the partner-mappings feed's columns. */
  public static final String PEOPLE_TRUTH_FILE = "partner_ids.csv";

  /** Partner names, as the identity graph and the event sources know them. */
  public static final String SHARETHIS = "sharethis";

  public static final String THIRTYTHREEACROSS = "33across";
  public static final String XANDR = "xandr";

  private static final int SHARETHIS_PARTS_PER_HOUR = 2;
  private static final double CLICK_RATE = 0.01;
  private static final int ADVERTISERS = 12;
  private static final DateTimeFormatter HOUR_PATH =
      DateTimeFormatter.ofPattern("yyyy/MM/dd/HH").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter HOUR_STAMP =
      DateTimeFormatter.ofPattern("yyyyMMddHH").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DAY_STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter XANDR_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
  private final BrowsingOptions options;
  private final BrowsingUniverse universe;
  private final UserAgents agents = new UserAgents();
  private final IpGeography geography = IpGeography.sample();
  private final JsonFactory json = new JsonFactory();
  private final long[] pageViewsOf;
  private final long[] impressionsOf;
  private final Map<String, Long> filesOf = new TreeMap<>();
  private final Map<String, Long> viewsOf = new TreeMap<>();
  private final Map<Integer, long[]> xandrByAdvertiser = new TreeMap<>();
  private final String[] addressOf;

  /** Every file landed, given one modified time so that landing them again is the same objects. */
  private final List<Path> written = new java.util.ArrayList<>();

  private BrowsingGenerator(BrowsingOptions options) {
    this.options = options;
    this.universe = new BrowsingUniverse(options);
    this.pageViewsOf = new long[options.domains()];
    this.impressionsOf = new long[options.domains()];
    this.addressOf = addresses(options, geography);
  }

  /** Each person's IP address, by person index: the same for the same seed. */
  static String[] addresses(BrowsingOptions options, IpGeography geography) {
    SplittableRandom random = new SplittableRandom(options.seed() ^ 0xADD_2E55L);
    String[] addresses = new String[options.users()];
    for (int p = 0; p < addresses.length; p++) {
      addresses[p] = geography.draw(random).literal();
    }
    return addresses;
  }

  /** What was landed. */
  public record Report(
      long sharethisViews,
      long thirtyThreeAcrossViews,
      long xandrImpressions,
      int files,
      int domains,
      int categories,
      int partnerLabels,
      int vendorLabels,
      long mappings) {}

  /** Lands every file and the truth; {@code hourDone} hears each hour as it is written. */
  public static Report generate(BrowsingOptions options, IntConsumer hourDone) {
    return new BrowsingGenerator(options).run(hourDone);
  }

  private Report run(IntConsumer hourDone) {
    try {
      Instant start = options.startDate().atStartOfDay(ZoneOffset.UTC).toInstant();
      long viewsPerHour = options.pageViews() / options.hours();
      long impressionsPerHour = options.xandrImpressions() / options.hours();
      for (int hour = 0; hour < options.hours(); hour++) {
        Instant from = start.plusSeconds(3600L * hour);
        SplittableRandom random = new SplittableRandom(options.seed() * 31 + hour);
        long views =
            hour == options.hours() - 1 ? options.pageViews() - viewsPerHour * hour : viewsPerHour;
        long impressions =
            hour == options.hours() - 1
                ? options.xandrImpressions() - impressionsPerHour * hour
                : impressionsPerHour;
        writePageViews(from, views, random);
        writeXandr(from, impressions, random);
        hourDone.accept(hour + 1);
      }
      Instant day = start;
      int[] labels = writeCategories(day);
      long mappings = writeMappings(day);
      writeTruth(labels, mappings);
      java.nio.file.attribute.FileTime landed =
          java.nio.file.attribute.FileTime.from(start.plusSeconds(3600L * options.hours() + 600));
      for (Path file : written) {
        Files.setLastModifiedTime(file, landed);
      }
      int files = filesOf.values().stream().mapToInt(Long::intValue).sum() + 4;
      return new Report(
          viewsOf.getOrDefault(SHARETHIS, 0L),
          viewsOf.getOrDefault(THIRTYTHREEACROSS, 0L),
          options.xandrImpressions(),
          files,
          options.domains(),
          universe.classes().size(),
          labels[0],
          labels[1],
          mappings);
    } catch (IOException e) {
      throw new ExternalFailureException(
          "Cannot write the partners' browsing files: " + e.getMessage(), e);
    }
  }

  private void writePageViews(Instant from, long views, SplittableRandom random)
      throws IOException {
    String hourPath = HOUR_PATH.format(from);
    Writer[] sharethis = new Writer[SHARETHIS_PARTS_PER_HOUR];
    for (int part = 0; part < sharethis.length; part++) {
      sharethis[part] =
          gzip(
              options
                  .partnerBucket()
                  .resolve(SHARETHIS_PAGEVIEWS + hourPath + "/part-0000" + part + ".tsv.gz"));
    }
    String day = from.toString().substring(0, 10);
    String hour = from.toString().substring(11, 13);
    Writer tt =
        gzip(
            options
                .landing()
                .resolve(
                    THIRTYTHREEACROSS_PAGEVIEWS + "dt=" + day + "/hr=" + hour + "/part-0.json.gz"));
    JsonGenerator ttJson = json.createGenerator(tt);
    ttJson.setRootValueSeparator(null);
    try {
      for (long v = 0; v < views; v++) {
        PageView view = universe.pageView(random, from.toEpochMilli());
        Person person = view.person();
        boolean toSharethis = view.sharethis();
        Domain site = view.site();
        String[] words = view.words();
        String url = view.url();
        String referrer = view.referrer();
        long at = view.epochMillis();
        String agent = agents.browserOf(person.agentHash()).text();
        pageViewsOf[site.index()]++;
        if (toSharethis) {
          Writer out = sharethis[random.nextInt(sharethis.length)];
          out.write(person.sharethisId());
          out.write('\t');
          out.write(Long.toString(at));
          out.write('\t');
          out.write(url);
          out.write('\t');
          out.write(referrer);
          out.write('\t');
          out.write(addressOf[person.index()]);
          out.write('\t');
          out.write(agent);
          out.write('\t');
          out.write(String.join("|", words));
          out.write('\n');
          viewsOf.merge(SHARETHIS, 1L, Long::sum);
        } else {
          ttJson.writeStartObject();
          ttJson.writeStringField("uid", person.thirtyThreeAcrossId());
          ttJson.writeNumberField("ts", at / 1000);
          ttJson.writeObjectFieldStart("page");
          ttJson.writeStringField("url", url);
          if (!referrer.isEmpty()) {
            ttJson.writeStringField("referrer", referrer);
          }
          ttJson.writeEndObject();
          ttJson.writeObjectFieldStart("device");
          ttJson.writeStringField("ip", addressOf[person.index()]);
          ttJson.writeStringField("ua", agent);
          ttJson.writeEndObject();
          ttJson.writeEndObject();
          ttJson.writeRaw('\n');
          viewsOf.merge(THIRTYTHREEACROSS, 1L, Long::sum);
        }
      }
    } finally {
      ttJson.close();
      tt.close();
      for (Writer out : sharethis) {
        out.close();
      }
    }
    filesOf.merge(SHARETHIS, (long) sharethis.length, Long::sum);
    filesOf.merge(THIRTYTHREEACROSS, 1L, Long::sum);
  }

  private void writeXandr(Instant from, long impressions, SplittableRandom random)
      throws IOException {
    Path file =
        options
            .landing()
            .resolve(
                XANDR_STANDARD_FEED
                    + HOUR_PATH.format(from)
                    + "/standard_feed_"
                    + HOUR_STAMP.format(from)
                    + "_0.csv.gz");
    try (Writer out = gzip(file)) {
      out.write(String.join(",", XANDR_COLUMNS));
      out.write('\n');
      for (long i = 0; i < impressions; i++) {
        Person person = universe.person(random);
        Domain site = universe.site(person, random);
        int advertiser = 1 + random.nextInt(ADVERTISERS);
        long costMicros = 500_000 + random.nextLong(5_500_000);
        int clicks = random.nextDouble() < CLICK_RATE ? 1 : 0;
        long at = from.toEpochMilli() + random.nextLong(3_600_000L);
        out.write(Long.toString(random.nextLong() & Long.MAX_VALUE));
        out.write(',');
        out.write(XANDR_TIME.format(Instant.ofEpochMilli(at)));
        out.write(',');
        out.write(Long.toString(person.xandrId()));
        out.write(',');
        out.write(site.name());
        out.write(',');
        out.write(Integer.toString(10_000 + site.index() * 4 + random.nextInt(4)));
        out.write(',');
        out.write(Integer.toString(advertiser * 100 + random.nextInt(20)));
        out.write(',');
        out.write(Integer.toString(advertiser));
        out.write(',');
        out.write(Integer.toString(advertiser * 1000 + random.nextInt(5)));
        out.write(',');
        out.write(micros(costMicros));
        out.write(',');
        out.write(Integer.toString(clicks));
        out.write('\n');
        impressionsOf[site.index()]++;
        long[] totals = xandrByAdvertiser.computeIfAbsent(advertiser, a -> new long[3]);
        totals[0]++;
        totals[1] += clicks;
        totals[2] += costMicros;
      }
    }
    filesOf.merge(XANDR, 1L, Long::sum);
  }

  /**
   * The partner's and the vendor's category files; some labels wrong: half of the wrong ones a
   * sibling under the same Tier 1 category, half any category. The vendor gives a confidence,
   * higher on average where it is right. Returns the label counts and keeps the labels for the
   * truth.
   */
  private int[] writeCategories(Instant day) throws IOException {
    SplittableRandom random = new SplittableRandom(options.seed() ^ 0xCA7_E60L);
    partnerLabel = new String[options.domains()];
    vendorLabel = new String[options.domains()];
    int partner = 0;
    int vendor = 0;
    Path partnerFile =
        options.landing().resolve(PARTNER_CATEGORIES + snapshotFolder(day) + "sharethis.csv");
    Path vendorFile =
        options.landing().resolve(VENDOR_CATEGORIES + snapshotFolder(day) + "webshrinker.csv");
    Files.createDirectories(partnerFile.getParent());
    written.add(partnerFile);
    written.add(vendorFile);
    Files.createDirectories(vendorFile.getParent());
    try (Writer partners = Files.newBufferedWriter(partnerFile, StandardCharsets.UTF_8);
        Writer vendors = Files.newBufferedWriter(vendorFile, StandardCharsets.UTF_8)) {
      partners.write("domain,iab_tier1_id,iab_tier2_id\n");
      vendors.write("domain,category_id,confidence\n");
      for (Domain domain : universe.domains()) {
        if (random.nextDouble() < options.partnerLabelShare()) {
          Category label = label(domain, options.partnerLabelNoise(), random);
          partners.write(domain.name() + "," + label.tier1Id() + "," + label.id() + "\n");
          partnerLabel[domain.index()] = label.id();
          partner++;
        }
        if (random.nextDouble() < options.vendorLabelShare()) {
          Category label = label(domain, options.vendorLabelNoise(), random);
          boolean right = label.equals(domain.category());
          double confidence =
              right ? 0.55 + 0.45 * random.nextDouble() : 0.35 + 0.45 * random.nextDouble();
          vendors.write(
              domain.name() + "," + label.id() + "," + String.format("%.3f", confidence) + "\n");
          vendorLabel[domain.index()] = label.id();
          vendor++;
        }
      }
    }
    return new int[] {partner, vendor};
  }

  private String[] partnerLabel;
  private String[] vendorLabel;

  private Category label(Domain domain, double noise, SplittableRandom random) {
    if (random.nextDouble() >= noise) {
      return domain.category();
    }
    List<Category> classes = universe.classes();
    if (random.nextBoolean()) {
      List<Category> siblings =
          classes.stream()
              .filter(c -> c.tier1Id().equals(domain.category().tier1Id()))
              .filter(c -> !c.equals(domain.category()))
              .toList();
      if (!siblings.isEmpty()) {
        return siblings.get(random.nextInt(siblings.size()));
      }
    }
    Category other;
    do {
      other = classes.get(random.nextInt(classes.size()));
    } while (other.equals(domain.category()));
    return other;
  }

  /**
   * The partners' ids of each person, with our user id: landed as a partner mapping file (the
   * {@code partner-mappings} feed), which the identity graph joins, and kept in the truth as what
   * it should join.
   */
  private long writeMappings(Instant day) throws IOException {
    Path file = options.expected().resolve("browsing").resolve(PEOPLE_TRUTH_FILE);
    Files.createDirectories(file.getParent());
    long lines = 0;
    String seenAt = day.toString();
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write("partner,partner_id,user_id,region,seen_at\n");
      for (Person person : universe.people()) {
        if (person.seenBySharethis()) {
          out.write(
              SHARETHIS
                  + ","
                  + person.sharethisId()
                  + ","
                  + person.userId()
                  + ",us,"
                  + seenAt
                  + "\n");
          lines++;
        }
        if (person.seenByThirtyThreeAcross()) {
          out.write(
              THIRTYTHREEACROSS
                  + ","
                  + person.thirtyThreeAcrossId()
                  + ","
                  + person.userId()
                  + ",us,"
                  + seenAt
                  + "\n");
          lines++;
        }
        out.write(XANDR + "," + person.xandrId() + "," + person.userId() + ",us," + seenAt + "\n");
        lines++;
      }
    }
    Path landed =
        options
            .landing()
            .resolve(PARTNER_MAPPINGS)
            .resolve(day.toString().substring(0, 10))
            .resolve("browsing-" + PEOPLE_TRUTH_FILE);
    Files.createDirectories(landed.getParent());
    Files.copy(file, landed, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    written.add(landed);
    return lines;
  }

  private void writeTruth(int[] labels, long mappings) throws IOException {
    Path folder = options.expected().resolve("browsing");
    Files.createDirectories(folder);
    try (Writer out =
        Files.newBufferedWriter(folder.resolve(DOMAINS_TRUTH_FILE), StandardCharsets.UTF_8)) {
      out.write(
          "domain,tier1_id,tier2_id,opaque,page_views,xandr_impressions,partner_label,vendor_label\n");
      for (Domain domain : universe.domains()) {
        int d = domain.index();
        out.write(
            String.join(
                    ",",
                    domain.name(),
                    domain.category().tier1Id(),
                    domain.category().id(),
                    Boolean.toString(domain.opaque()),
                    Long.toString(pageViewsOf[d]),
                    Long.toString(impressionsOf[d]),
                    partnerLabel[d] == null ? "" : partnerLabel[d],
                    vendorLabel[d] == null ? "" : vendorLabel[d])
                + "\n");
      }
    }
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("seed", options.seed());
    summary.put("start_date", options.startDate().toString());
    summary.put("hours", options.hours());
    summary.put("domains", options.domains());
    summary.put("users", options.users());
    summary.put("categories", universe.classes().size());
    summary.put("page_views", viewsOf);
    summary.put("files", filesOf);
    Map<String, Object> xandr = new LinkedHashMap<>();
    long rows = 0;
    long clicks = 0;
    long cost = 0;
    Map<String, Object> byAdvertiser = new LinkedHashMap<>();
    for (Map.Entry<Integer, long[]> entry : xandrByAdvertiser.entrySet()) {
      long[] t = entry.getValue();
      rows += t[0];
      clicks += t[1];
      cost += t[2];
      byAdvertiser.put(
          entry.getKey().toString(),
          Map.of("impressions", t[0], "clicks", t[1], "media_cost_cpm_sum", micros(t[2])));
    }
    xandr.put("impressions", rows);
    xandr.put("clicks", clicks);
    xandr.put("media_cost_cpm_sum", micros(cost));
    xandr.put("by_advertiser", byAdvertiser);
    summary.put("xandr", xandr);
    summary.put("partner_labels", labels[0]);
    summary.put("vendor_labels", labels[1]);
    summary.put("mappings", mappings);
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(folder.resolve(SUMMARY_FILE).toFile(), summary);
  }

  private static String snapshotFolder(Instant day) {
    return "snapshot_dt=" + day.toString().substring(0, 10) + "/";
  }

  private static String micros(long micros) {
    return java.math.BigDecimal.valueOf(micros, 6).toPlainString();
  }

  private Writer gzip(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    written.add(file);
    OutputStream out = new GZIPOutputStream(Files.newOutputStream(file), 1 << 16);
    return new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
  }
}
