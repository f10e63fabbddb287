package dev.adlake.spark.classification;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import dev.adlake.core.InvalidInputException;
import dev.adlake.core.config.ClassificationConfig;
import dev.adlake.core.config.ValueType;
import dev.adlake.core.job.Domain;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.JobKind;
import dev.adlake.core.job.JobParameter;
import dev.adlake.core.job.JobParameters;
import dev.adlake.core.job.JobResult;
import dev.adlake.spark.SparkJob;
import dev.adlake.spark.SparkJobContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.feature.IDF;
import org.apache.spark.ml.feature.Normalizer;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.mllib.clustering.KMeans;
import org.apache.spark.mllib.clustering.KMeansModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * domain-clusters: clusters of each region's domains, from the partners' page views in the events
 * table, by what their pages say and by the audiences they share; each cluster labelled with the
 * IAB category its labelled domains vote for.
 *
 * <ol>
 *   <li>Words: every domain's page-path words, weighted by TF-IDF and normalised (MLlib's IDF and
 *       Normalizer).
 *   <li>Clusters: k-means (MLlib) over those vectors, seeded with one centre per IAB category the
 *       partner's and the vendor's files name, at the mean of the domains they label (seeded
 *       k-means: the noisy labels average out in a centre, and the iterations move it to where the
 *       unlabelled domains are).
 *   <li>Audiences: each visitor's profile is the share of their other page views in each cluster; a
 *       domain's audience is its visitors' profiles, weighted by their views of it. A domain's
 *       cluster is the one with the best sum of word similarity and audience share (weighted by
 *       {@code audience-weight}), so a domain with few words of its own is placed by who visits it.
 *   <li>Labels: each cluster's category is the one its labelled domains vote for (the partner's
 *       labels one vote each, the vendor's its confidence).
 * </ol>
 */
public final class DomainClustersJob implements SparkJob {
  public static final String NAME = "domain-clusters";

  public static final JobParameter<String> REGION =
      JobParameter.optional(
          "region",
          ValueType.matching(ClassificationConfig.REGION, "a configured region name"),
          null,
          "Cluster only this region (default: every region of classification.regions)");
  public static final JobParameter<Integer> ITERATIONS =
      JobParameter.optional(
          "iterations", ValueType.integer(1, 100), "10", "Most k-means iterations");
  public static final JobParameter<Double> AUDIENCE_WEIGHT =
      JobParameter.optional(
          "audience-weight",
          ValueType.ratio(),
          "0.5",
          "Weight of the audience share beside the page words' similarity (0: words alone)");

  /** Words this short are not counted: file extensions, short path segments. */
  static final int MIN_WORD_LENGTH = 3;

  /** The vocabulary keeps the words on most domains, up to this many. */
  static final int MAX_VOCABULARY = 1 << 14;

  /** Each domain keeps its best clusters by words, this many, as candidates. */
  static final int WORD_CANDIDATES = 3;

  private final String eventsTable;
  private final ClassificationConfig config;
  private final LabelSources labels;
  private final JobDefinition definition;

  /**
   * @param eventsTable the enricher's events table
   * @param labels the partner's and the vendor's category tables
   */
  public DomainClustersJob(String eventsTable, ClassificationConfig config, LabelSources labels) {
    this.eventsTable = eventsTable;
    this.config = config;
    this.labels = labels;
    List<dev.adlake.core.job.Dataset> writes = new ArrayList<>();
    config
        .regions()
        .keySet()
        .forEach(
            region ->
                new ClassificationTables(region)
                    .clusterOutputs()
                    .forEach(table -> writes.add(dev.adlake.core.job.Dataset.table(table))));
    this.definition =
        new JobDefinition(
            NAME,
            Domain.DOMAIN_CLASSIFICATION,
            JobKind.BATCH,
            "Clusters of domains by page words and shared audiences from the partners' page"
                + " views, each labelled with the IAB category its labelled domains vote for",
            List.of(
                dev.adlake.core.job.Dataset.table(eventsTable),
                dev.adlake.core.job.Dataset.table(labels.partnerTable()),
                dev.adlake.core.job.Dataset.table(labels.vendorTable())),
            writes,
            List.<JobParameter<?>>of(REGION, ITERATIONS, AUDIENCE_WEIGHT));
  }

  @Override
  public JobDefinition definition() {
    return definition;
  }

  @Override
  public JobResult run(SparkJobContext context, JobParameters parameters) {
    Map<String, Set<String>> regions = regions(config, parameters.find(REGION).orElse(null));
    Map<String, Long> figures = new LinkedHashMap<>();
    long rowsIn = 0;
    long rowsOut = 0;
    for (Map.Entry<String, Set<String>> region : regions.entrySet()) {
      Outcome outcome =
          cluster(
              context.spark(),
              new ClassificationTables(region.getKey()),
              region.getValue(),
              parameters.get(ITERATIONS),
              parameters.get(AUDIENCE_WEIGHT),
              context.progress());
      rowsIn += outcome.pageViews();
      rowsOut += outcome.domains();
      figures.merge("domains", outcome.domains(), Long::sum);
      figures.merge("clusters", outcome.clusters(), Long::sum);
      figures.merge("labelled_domains", outcome.labelledDomains(), Long::sum);
      figures.merge("page_views", outcome.pageViews(), Long::sum);
    }
    figures.put("regions", (long) regions.size());
    return new JobResult(rowsIn, rowsOut, figures);
  }

  /** The regions to run: all configured, or the one asked for. */
  static Map<String, Set<String>> regions(ClassificationConfig config, String only) {
    if (only == null) {
      return config.regions();
    }
    Set<String> countries = config.regions().get(only);
    if (countries == null) {
      throw new InvalidInputException(
          "No region '%s' in classification.regions; regions: %s"
              .formatted(only, String.join(", ", config.regions().keySet())));
    }
    return Map.of(only, countries);
  }

  /** What one region's run made. */
  public record Outcome(long pageViews, long domains, long clusters, long labelledDomains) {}

  /** Clusters one region's domains and replaces its three tables. */
  public Outcome cluster(
      SparkSession spark,
      ClassificationTables tables,
      Set<String> countries,
      int iterations,
      double audienceWeight,
      Consumer<String> out) {
    tables.ensure(spark);
    long started = System.nanoTime();
    Consumer<String> progress =
        line -> out.accept("%s (%.1f s)".formatted(line, (System.nanoTime() - started) / 1e9));
    Dataset<Row> scan = pageViews(spark, countries);
    // Two aggregates of one scan each, instead of the page views themselves: the pages of each
    // domain, and each visitor's visits to each domain (keyed by the domain's 64-bit hash, a
    // fixed-width key that shuffles and aggregates fast).
    Dataset<Row> pages =
        scan.groupBy("domain", "path")
            .agg(count(lit(1)).as("views"))
            .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> visits =
        scan.where(col("visitor").isNotNull())
            .groupBy(col("visitor"), xxhash64(col("domain")).as("dkey"))
            .agg(count(lit(1)).as("n"))
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Dataset<Row> traffic =
          pages
              .groupBy("domain")
              .agg(sum("views").as("page_views"))
              .withColumn("dkey", xxhash64(col("domain")))
              .join(
                  visits.groupBy("dkey").agg(count(lit(1)).as("visitors")),
                  new String[] {"dkey"},
                  "left")
              .select(
                  col("dkey"),
                  col("domain"),
                  col("page_views"),
                  coalesce(col("visitors"), lit(0L)).as("visitors"))
              .persist(StorageLevel.MEMORY_AND_DISK());
      Row totals = traffic.agg(count(lit(1)), sum("page_views")).first();
      long domains = totals.getLong(0);
      long pageViews = totals.isNullAt(1) ? 0 : totals.getLong(1);
      if (pageViews == 0) {
        // Nothing to cluster yet: the tables keep what the last run with page views made.
        progress.accept(
            "%s: no page views of sources %s in %s: nothing to cluster"
                .formatted(tables.region(), String.join(", ", config.sources()), eventsTable));
        traffic.unpersist();
        return new Outcome(0, 0, 0, 0);
      }
      progress.accept(
          "%s: %,d page views of %,d domains".formatted(tables.region(), pageViews, domains));
      Dataset<Row> words = domainWords(pages).persist(StorageLevel.MEMORY_AND_DISK());
      Vocabulary vocabulary = Vocabulary.of(words);
      Dataset<Row> features = vocabulary.features(spark, words);
      progress.accept(
          "%s: %,d domains with words of a %,d-word vocabulary"
              .formatted(tables.region(), features.count(), vocabulary.size()));
      words.unpersist();
      pages.unpersist();
      Dataset<Row> labelled = labels.votes(spark).persist(StorageLevel.MEMORY_AND_DISK());
      Seeds seeds = Seeds.of(features, labelled);
      if (seeds.classes().isEmpty()) {
        throw new InvalidInputException(
            "No domain of the %s region's page views is labelled in %s or %s: nothing to seed the"
                + " clusters with"
                    .formatted(tables.region(), labels.partnerTable(), labels.vendorTable()));
      }
      progress.accept(
          "%s: %,d words, %d clusters seeded from the labelled domains' categories"
              .formatted(tables.region(), vocabulary.size(), seeds.classes().size()));
      JavaRDD<org.apache.spark.mllib.linalg.Vector> points =
          features
              .select("features")
              .javaRDD()
              .map(row -> org.apache.spark.mllib.linalg.Vectors.fromML(row.getAs(0)))
              .persist(StorageLevel.MEMORY_AND_DISK());
      KMeansModel model =
          new KMeans()
              .setK(seeds.classes().size())
              .setMaxIterations(iterations)
              .setInitialModel(new KMeansModel(seeds.centres()))
              .run(points.rdd());
      double[][] centres = new double[model.k()][];
      for (int c = 0; c < centres.length; c++) {
        centres[c] = model.clusterCenters()[c].toArray();
      }
      points.unpersist();
      progress.accept("%s: k-means done".formatted(tables.region()));
      Broadcast<double[][]> shared =
          new org.apache.spark.api.java.JavaSparkContext(spark.sparkContext()).broadcast(centres);
      Dataset<Row> byWords =
          wordCandidates(features, shared).persist(StorageLevel.MEMORY_AND_DISK());
      progress.accept(
          "%s: %,d candidate clusters by words".formatted(tables.region(), byWords.count()));
      Dataset<Row> audience =
          audiences(visits, byWords, centres.length).persist(StorageLevel.MEMORY_AND_DISK());
      progress.accept("%s: %,d audience shares".formatted(tables.region(), audience.count()));
      Dataset<Row> mapping = choose(byWords, audience, audienceWeight, traffic);
      ClassificationTables.replace(mapping, tables.mapping());
      progress.accept("%s: domains placed by words and audiences".formatted(tables.region()));
      Dataset<Row> mapped = spark.table(tables.mapping()).persist(StorageLevel.MEMORY_AND_DISK());
      Dataset<Row> clusterLabels = clusterLabels(mapped, labelled);
      ClassificationTables.replace(clusterLabels, tables.labels());
      writeClusters(spark, tables, mapped, centres, vocabulary, seeds);
      long labelledDomains = mapped.join(labelled.select("domain").distinct(), "domain").count();
      long labelledClusters = spark.table(tables.labels()).count();
      progress.accept(
          "%s: %,d domains in %d clusters, %d labelled by %,d labelled domains"
              .formatted(
                  tables.region(),
                  mapped.count(),
                  centres.length,
                  labelledClusters,
                  labelledDomains));
      mapped.unpersist();
      audience.unpersist();
      byWords.unpersist();
      features.unpersist();
      labelled.unpersist();
      traffic.unpersist();
      shared.destroy();
      return new Outcome(pageViews, domains, centres.length, labelledDomains);
    } finally {
      pages.unpersist();
      visits.unpersist();
    }
  }

  /** Partner page views of the region: visitor (source and user id), domain, path. */
  private Dataset<Row> pageViews(SparkSession spark, Set<String> countries) {
    Column wanted =
        col("event_type")
            .equalTo("page_view")
            .and(col("source").isin(config.sources().toArray()))
            .and(col("page_domain").isNotNull());
    if (!countries.isEmpty()) {
      wanted = wanted.and(col("country").isin(countries.toArray()));
    }
    return spark
        .table(eventsTable)
        .where(wanted)
        .select(
            when(
                    col("user_id").isNotNull(),
                    org.apache.spark.sql.functions.xxhash64(col("source"), col("user_id")))
                .as("visitor"),
            lower(col("page_domain")).as("domain"),
            coalesce(col("page_path"), lit("")).as("path"));
  }

  /**
   * The words of the domains' pages, with their counts per domain: domain, word, n. Each distinct
   * page (domain, path, views) is split once: a site's pages repeat across its views.
   */
  static Dataset<Row> domainWords(Dataset<Row> pages) {
    return pages
        .select(
            col("domain"), col("views"), explode(split(lower(col("path")), "[^a-z]+")).as("word"))
        .where(length(col("word")).geq(MIN_WORD_LENGTH))
        .groupBy("domain", "word")
        .agg(sum("views").as("n"));
  }

  /** Each domain's best clusters by word similarity: domain, cluster_id, word_score. */
  private static Dataset<Row> wordCandidates(Dataset<Row> features, Broadcast<double[][]> centres) {
    StructType candidate =
        new StructType()
            .add("cluster_id", DataTypes.IntegerType, false)
            .add("word_score", DataTypes.DoubleType, false);
    UDF1<Vector, Row[]> best =
        vector -> {
          double[][] c = centres.value();
          int[] top = new int[WORD_CANDIDATES];
          double[] scores = new double[WORD_CANDIDATES];
          java.util.Arrays.fill(top, -1);
          java.util.Arrays.fill(scores, Double.NEGATIVE_INFINITY);
          SparseVector sparse = vector.toSparse();
          int[] indices = sparse.indices();
          double[] values = sparse.values();
          for (int k = 0; k < c.length; k++) {
            double dot = 0;
            for (int i = 0; i < indices.length; i++) {
              dot += values[i] * c[k][indices[i]];
            }
            int at = WORD_CANDIDATES - 1;
            if (dot > scores[at]) {
              while (at > 0 && dot > scores[at - 1]) {
                scores[at] = scores[at - 1];
                top[at] = top[at - 1];
                at--;
              }
              scores[at] = dot;
              top[at] = k;
            }
          }
          List<Row> rows = new ArrayList<>();
          for (int i = 0; i < WORD_CANDIDATES && top[i] >= 0; i++) {
            rows.add(RowFactory.create(top[i], scores[i]));
          }
          return rows.toArray(new Row[0]);
        };
    Column candidates = udf(best, new ArrayType(candidate, false)).apply(col("features"));
    return features
        .select(col("domain"), posexplode(candidates).as(new String[] {"rank", "c"}))
        .select(
            xxhash64(col("domain")).as("dkey"),
            col("rank"),
            col("c.cluster_id"),
            col("c.word_score"));
  }

  /** Audience shares below this are dropped. */
  static final double MIN_AUDIENCE_SHARE = 0.05;

  /** A visitor's profile keeps their most visited clusters, this many. */
  static final int PROFILE_CLUSTERS = 4;

  /**
   * Each domain's audience: per cluster, the share of its visitors' page views that fall in the
   * cluster (each domain in its best cluster by words; a visitor's profile is their {@value
   * #PROFILE_CLUSTERS} most visited clusters), weighted by the visitors' views of the domain.
   *
   * <p>One shuffle gathers each visitor's visits (with the visited domains' clusters, a broadcast
   * join), a function turns them into the visitor's profile and its weight on each visited domain,
   * and one aggregation sums those per domain and cluster. Columns: dkey, cluster_id,
   * audience_share.
   *
   * @param visits visitor, dkey, n (their page views of the domain)
   * @param byWords dkey, rank, cluster_id, word_score
   */
  private static Dataset<Row> audiences(Dataset<Row> visits, Dataset<Row> byWords, int clusters) {
    Dataset<Row> first =
        byWords.where(col("rank").equalTo(0)).select(col("dkey"), col("cluster_id"));
    StructType weight =
        new StructType()
            .add("dkey", DataTypes.LongType, false)
            .add("cluster_id", DataTypes.IntegerType, false)
            .add("w", DataTypes.DoubleType, false);
    UDF1<scala.collection.Seq<Row>, Row[]> spread =
        visited -> {
          long[] perCluster = new long[clusters];
          scala.collection.Iterator<Row> it = visited.iterator();
          while (it.hasNext()) {
            Row visit = it.next();
            if (!visit.isNullAt(2)) {
              perCluster[visit.getInt(2)] += visit.getLong(1);
            }
          }
          int[] top = topClusters(perCluster, PROFILE_CLUSTERS);
          double total = 0;
          for (int c : top) {
            total += perCluster[c];
          }
          List<Row> rows = new ArrayList<>();
          it = visited.iterator();
          while (it.hasNext()) {
            Row visit = it.next();
            for (int c : top) {
              rows.add(
                  RowFactory.create(visit.getLong(0), c, visit.getLong(1) * perCluster[c] / total));
            }
          }
          return rows.toArray(new Row[0]);
        };
    Dataset<Row> sums =
        visits
            .join(broadcast(first), new String[] {"dkey"}, "left")
            .groupBy("visitor")
            .agg(collect_list(struct(col("dkey"), col("n"), col("cluster_id"))).as("visited"))
            .select(
                explode(udf(spread, new ArrayType(weight, false)).apply(col("visited"))).as("s"))
            .groupBy(col("s.dkey").as("dkey"), col("s.cluster_id").as("cluster_id"))
            .agg(sum("s.w").as("w"));
    // Clusters with a small share change no choice: they are left out.
    return sums.withColumn("all", sum("w").over(Window.partitionBy("dkey")))
        .where(col("all").gt(0))
        .select(col("dkey"), col("cluster_id"), col("w").divide(col("all")).as("audience_share"))
        .where(col("audience_share").geq(MIN_AUDIENCE_SHARE));
  }

  /**
   * The {@code count} clusters with the most views, most first (ties: the lower id); none empty.
   */
  static int[] topClusters(long[] perCluster, int count) {
    int[] top = new int[count];
    int found = 0;
    for (int c = 0; c < perCluster.length; c++) {
      if (perCluster[c] == 0) {
        continue;
      }
      int at = Math.min(found, count - 1);
      if (found == count && perCluster[c] <= perCluster[top[at]]) {
        continue;
      }
      while (at > 0 && perCluster[c] > perCluster[top[at - 1]]) {
        top[at] = top[at - 1];
        at--;
      }
      top[at] = c;
      found = Math.min(count, found + 1);
    }
    return java.util.Arrays.copyOf(top, found);
  }

  /** Each domain's cluster: the best word score plus weighted audience share. */
  private static Dataset<Row> choose(
      Dataset<Row> byWords, Dataset<Row> audience, double audienceWeight, Dataset<Row> traffic) {
    Dataset<Row> candidates =
        byWords
            .select("dkey", "cluster_id", "word_score")
            .join(audience, new String[] {"dkey", "cluster_id"}, "full_outer")
            .select(
                col("dkey"),
                col("cluster_id"),
                coalesce(col("word_score"), lit(0.0)).as("word_score"),
                coalesce(col("audience_share"), lit(0.0)).as("audience_share"));
    return candidates
        .withColumn("score", col("word_score").plus(col("audience_share").multiply(audienceWeight)))
        .withColumn(
            "rank",
            row_number().over(Window.partitionBy("dkey").orderBy(desc("score"), col("cluster_id"))))
        .where(col("rank").equalTo(1))
        .join(traffic, "dkey")
        .select(
            col("domain"),
            col("cluster_id"),
            col("score"),
            col("word_score"),
            col("audience_share"),
            col("page_views"),
            col("visitors"));
  }

  /** Each cluster's category, by the votes of its labelled domains. */
  private static Dataset<Row> clusterLabels(Dataset<Row> mapped, Dataset<Row> labelled) {
    Dataset<Row> votes =
        mapped
            .select("domain", "cluster_id")
            .join(labelled, "domain")
            .groupBy("cluster_id", "iab_tier1_id", "iab_tier2_id")
            .agg(sum("weight").as("weight"), countDistinct("domain").as("labelled"));
    Dataset<Row> totals =
        votes
            .groupBy("cluster_id")
            .agg(sum("weight").as("total"), sum("labelled").as("labelled_domains"));
    return votes
        .withColumn(
            "rank",
            row_number()
                .over(
                    Window.partitionBy("cluster_id").orderBy(desc("weight"), col("iab_tier2_id"))))
        .where(col("rank").equalTo(1))
        .join(totals, "cluster_id")
        .select(
            col("cluster_id"),
            col("iab_tier1_id"),
            col("iab_tier2_id"),
            col("weight").divide(col("total")).as("label_share"),
            col("labelled_domains"));
  }

  private static void writeClusters(
      SparkSession spark,
      ClassificationTables tables,
      Dataset<Row> mapped,
      double[][] centres,
      Vocabulary vocabulary,
      Seeds seeds) {
    Map<Integer, long[]> sizes = new LinkedHashMap<>();
    for (Row row :
        mapped
            .groupBy("cluster_id")
            .agg(count(lit(1)).as("domains"), sum("page_views").as("page_views"))
            .collectAsList()) {
      sizes.put(row.getInt(0), new long[] {row.getLong(1), row.getLong(2)});
    }
    List<Row> rows = new ArrayList<>();
    for (int c = 0; c < centres.length; c++) {
      long[] size = sizes.getOrDefault(c, new long[2]);
      rows.add(
          RowFactory.create(
              c,
              seeds.classes().get(c),
              size[0],
              size[1],
              String.join(" ", vocabulary.topWords(centres[c], 8))));
    }
    ClassificationTables.replace(
        spark.createDataFrame(rows, ClassificationTables.CLUSTERS_SCHEMA), tables.clusters());
  }

  /** The words kept, each with its position in the vectors. */
  record Vocabulary(List<String> words) {
    static Vocabulary of(Dataset<Row> domainWords) {
      List<String> words =
          domainWords
              .groupBy("word")
              .agg(count(lit(1)).as("df"))
              .where(col("df").geq(2))
              .orderBy(desc("df"), col("word"))
              .limit(MAX_VOCABULARY)
              .select("word")
              .as(org.apache.spark.sql.Encoders.STRING())
              .collectAsList();
      return new Vocabulary(List.copyOf(words));
    }

    int size() {
      return words.size();
    }

    /** Each domain's TF-IDF vector, normalised: domain, features (persisted, counted). */
    Dataset<Row> features(SparkSession spark, Dataset<Row> domainWords) {
      List<Row> indexed = new ArrayList<>(words.size());
      for (int i = 0; i < words.size(); i++) {
        indexed.add(RowFactory.create(words.get(i), i));
      }
      Dataset<Row> index =
          spark.createDataFrame(
              indexed,
              new StructType()
                  .add("word", DataTypes.StringType, false)
                  .add("index", DataTypes.IntegerType, false));
      int size = Math.max(1, words.size());
      UDF1<scala.collection.Seq<Row>, Vector> toVector =
          terms -> {
            java.util.TreeMap<Integer, Double> sorted = new java.util.TreeMap<>();
            scala.collection.Iterator<Row> it = terms.iterator();
            while (it.hasNext()) {
              Row term = it.next();
              sorted.put(term.getInt(0), (double) term.getLong(1));
            }
            int[] indices = new int[sorted.size()];
            double[] values = new double[sorted.size()];
            int i = 0;
            for (Map.Entry<Integer, Double> entry : sorted.entrySet()) {
              indices[i] = entry.getKey();
              values[i++] = entry.getValue();
            }
            return Vectors.sparse(size, indices, values);
          };
      Dataset<Row> tf =
          domainWords
              .join(broadcast(index), "word")
              .groupBy("domain")
              .agg(collect_list(struct(col("index"), col("n"))).as("terms"))
              .select(col("domain"), udf(toVector, new VectorUDT()).apply(col("terms")).as("tf"));
      tf.persist(StorageLevel.MEMORY_AND_DISK());
      try {
        Dataset<Row> weighted =
            new IDF().setInputCol("tf").setOutputCol("tfidf").fit(tf).transform(tf);
        Dataset<Row> features =
            new Normalizer()
                .setInputCol("tfidf")
                .setOutputCol("features")
                .setP(2.0)
                .transform(weighted)
                .select("domain", "features")
                .persist(StorageLevel.MEMORY_AND_DISK());
        features.count();
        return features;
      } finally {
        tf.unpersist();
      }
    }

    /** The words that weigh most in a centre. */
    List<String> topWords(double[] centre, int count) {
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < centre.length && i < words.size(); i++) {
        order.add(i);
      }
      order.sort((a, b) -> Double.compare(centre[b], centre[a]));
      return order.stream().limit(count).map(words::get).toList();
    }
  }

  /** The seeded centres: one per category the labels name, at its labelled domains' mean. */
  record Seeds(List<String> classes, org.apache.spark.mllib.linalg.Vector[] centres) {
    /**
     * Summed on the driver, label by label: the labelled domains' vectors are streamed to it once
     * (a k-by-vocabulary array), which needs no MLlib aggregation buffer on the executors.
     */
    static Seeds of(Dataset<Row> features, Dataset<Row> labelled) {
      java.util.TreeMap<String, double[]> sums = new java.util.TreeMap<>();
      java.util.Map<String, Double> weights = new java.util.HashMap<>();
      java.util.Iterator<Row> rows =
          features
              .join(labelled, "domain")
              .select("iab_tier2_id", "weight", "features")
              .toLocalIterator();
      while (rows.hasNext()) {
        Row row = rows.next();
        Vector vector = row.getAs(2);
        double weight = row.getDouble(1);
        double[] sum = sums.computeIfAbsent(row.getString(0), c -> new double[vector.size()]);
        SparseVector sparse = vector.toSparse();
        int[] indices = sparse.indices();
        double[] values = sparse.values();
        for (int i = 0; i < indices.length; i++) {
          sum[indices[i]] += weight * values[i];
        }
        weights.merge(row.getString(0), weight, Double::sum);
      }
      List<String> classes = new ArrayList<>(sums.keySet());
      org.apache.spark.mllib.linalg.Vector[] centres =
          new org.apache.spark.mllib.linalg.Vector[classes.size()];
      for (int i = 0; i < classes.size(); i++) {
        double[] sum = sums.get(classes.get(i));
        double total = weights.get(classes.get(i));
        for (int d = 0; d < sum.length; d++) {
          sum[d] /= total;
        }
        centres[i] = org.apache.spark.mllib.linalg.Vectors.dense(sum);
      }
      return new Seeds(List.copyOf(classes), centres);
    }
  }
}
