package dev.adlake.spark.identity;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.LakeConfig;
import dev.adlake.core.config.ValueType;
import dev.adlake.core.identity.MappingEvent;
import dev.adlake.core.job.Domain;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.JobKind;
import dev.adlake.core.job.JobParameter;
import dev.adlake.core.job.JobParameters;
import dev.adlake.core.job.JobResult;
import dev.adlake.spark.JobContext;
import dev.adlake.spark.LakeTables;
import dev.adlake.spark.SparkJob;
import dev.adlake.spark.enrich.EnricherJob;
import dev.adlake.spark.enrich.Pseudonymizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;
import org.apache.spark.sql.types.DataTypes;

/**
 * userIdsMapper: the identity graph's connected components, each id with its canonical user id.
 *
 * <p>It reads the cookie-sync observations of its inputs (the enricher's mapping table, partners'
 * mapping files) and keeps two tables ({@link IdentityTables}): every node with its canonical id,
 * and every distinct link. A run reads only what the inputs gained since the last run (Iceberg's
 * incremental read between the snapshots the last run recorded and the current ones), adds the
 * links not seen before, and recomputes only the components those observations touch: the old
 * components of every node observed, with all their links, plus the new nodes. Every other row is
 * kept as it was. With {@code full=true} it recomputes everything from all observations; both give
 * the same table, since a component's canonical id depends on its nodes alone ({@link
 * MappingGraphs#userIds}).
 *
 * <p>Crash safety: the links table is appended first, then the user-ids table is replaced in one
 * commit whose summary records the input snapshots consumed and the links snapshot it matches. A
 * run that finds the links table ahead of that (a run cut short between the two commits) rolls it
 * back first, so the same observations are added again, once.
 */
public final class UserIdsMapperJob implements SparkJob {
  public static final String NAME = "user-ids-mapper";

  public static final JobParameter<Boolean> FULL =
      JobParameter.optional(
          "full",
          ValueType.bool(),
          "false",
          "Recompute every component from all observations, not only those new ones touch");

  public static final JobParameter<Integer> MAX_LINKS =
      JobParameter.optional(
          "max-links",
          ValueType.integer(1, 1_000_000),
          "1000",
          "Ids with more distinct links than this (shared devices, bots, placeholder ids) are set"
              + " aside as hubs and merge nothing");

  static final String INPUT_PROPERTY_PREFIX = "adlake.identity.input.";
  static final String LINKS_PROPERTY = "adlake.identity.links-snapshot";

  /**
   * A table of observations, with columns {@code partner}, {@code partner_id}, {@code user_id},
   * {@code region} and {@code event_time}.
   *
   * @param idsAsSent whether its {@code user_id} is our id as partners send it (a mapping file), to
   *     be pseudonymised as the enricher pseudonymises the cookie-sync events' ids
   */
  public record MappingInput(String table, boolean idsAsSent) {
    /** The enricher's mapping table: ids pseudonymised already. */
    public static MappingInput enriched(String table) {
      return new MappingInput(table, false);
    }

    /** A table of partners' mapping files: ids as sent. */
    public static MappingInput asSent(String table) {
      return new MappingInput(table, true);
    }
  }

  private final List<MappingInput> inputs;
  private final IdentityTables tables;
  private final JobDefinition definition;
  private Consumer<String> progress = line -> {};

  public UserIdsMapperJob(List<MappingInput> inputs, IdentityTables tables) {
    this.inputs = List.copyOf(inputs);
    this.tables = tables;
    this.definition =
        new JobDefinition(
            NAME,
            Domain.COOKIE_MAPPING,
            JobKind.BATCH,
            "The identity graph's connected components: every partner id and cookie with its"
                + " canonical user id, incrementally (userIdsMapperIncremental)",
            inputs.stream().map(input -> dev.adlake.core.job.Dataset.table(input.table())).toList(),
            List.of(
                dev.adlake.core.job.Dataset.table(tables.userIds()),
                dev.adlake.core.job.Dataset.table(tables.edges())),
            List.of(FULL, MAX_LINKS));
  }

  /** Where a line per step goes while the job runs. */
  public UserIdsMapperJob withProgress(Consumer<String> progress) {
    this.progress = progress;
    return this;
  }

  @Override
  public JobDefinition definition() {
    return definition;
  }

  @Override
  public JobResult run(JobContext context, JobParameters parameters) {
    AdlakeConfig config = context.config();
    boolean pseudonymize =
        config.enrich().pseudonymizeUserIds() && inputs.stream().anyMatch(MappingInput::idsAsSent);
    return run(
        context.spark(),
        parameters.get(FULL),
        parameters.get(MAX_LINKS),
        pseudonymize ? new Pseudonymizer(EnricherJob.pseudonymKey(config)) : null);
  }

  /** One run without pseudonyms: every input's ids are used as they are. */
  public JobResult run(SparkSession spark, boolean full, int maxLinks) {
    return run(spark, full, maxLinks, null);
  }

  /**
   * One run; the figures say what it did.
   *
   * @param pseudonyms pseudonymises the ids of the {@link MappingInput#idsAsSent} inputs; null
   *     leaves them as sent
   */
  public JobResult run(SparkSession spark, boolean full, int maxLinks, Pseudonymizer pseudonyms) {
    tables.ensure(spark);
    Table linksTable = LakeTables.load(spark, tables.edges());
    Snapshot last = LakeTables.load(spark, tables.userIds()).currentSnapshot();
    Map<String, String> recorded = last == null ? Map.of() : last.summary();
    boolean everything = full || last == null;
    Map<String, String> summary = new LinkedHashMap<>();
    Dataset<Row> observations =
        step(
            "read observations",
            () -> observations(spark, everything, recorded, summary, pseudonyms));
    Map<String, Long> figures = new LinkedHashMap<>();
    long observed = 0;
    if (observations != null) {
      Row counts =
          observations.agg(count(lit(1)), sum(when(col("valid"), 1L).otherwise(0L))).first();
      observed = counts.getLong(0);
      long invalid = observed - (counts.isNullAt(1) ? 0 : counts.getLong(1));
      figures.put("observations_invalid", invalid);
      if (invalid > 0) {
        progress.accept(
            ("%,d observations set aside: a partner or region name, or an id, outside the mapping"
                    + " event's rules (they stay in their input tables)")
                .formatted(invalid));
      }
      observations = observations.where(col("valid")).drop("valid");
    }
    figures.put("observations", observed);
    if (observations == null || (observed == 0 && !everything)) {
      progress.accept("no new observations since the last run: nothing to do");
      return new JobResult(0, 0, figures);
    }
    Graph graph;
    if (everything) {
      graph = all(observations, maxLinks, spark);
    } else {
      rollBackLinksTo(linksTable, recorded.get(LINKS_PROPERTY));
      graph = touched(spark, observations, maxLinks, figures);
    }
    Dataset<Row> rows = graph.userIds().localCheckpoint();
    figures.put("links_added", graph.newLinks().count());
    step(
        "write the links",
        () -> {
          var writer = graph.newLinks().select("src", "dst", "first_seen").writeTo(tables.edges());
          if (everything) {
            writer.overwrite(lit(true));
          } else {
            writer.append();
          }
        });
    linksTable.refresh();
    summary.put(LINKS_PROPERTY, String.valueOf(linksTable.currentSnapshot().snapshotId()));
    step(
        "write the user ids",
        () -> {
          var writer = rows.writeTo(tables.userIds());
          summary.forEach((key, value) -> writer.option("snapshot-property." + key, value));
          writer.overwrite(lit(true));
        });
    IdentityFigures.of(spark.table(tables.userIds())).addTo(figures);
    return new JobResult(observed, figures.get("ids"), figures);
  }

  /** The new user-ids table and the links to add to the links table. */
  private record Graph(Dataset<Row> userIds, Dataset<Row> newLinks) {}

  /** Everything from all observations: every link is new. */
  private Graph all(Dataset<Row> observations, int maxLinks, SparkSession spark) {
    Dataset<Row> links = MappingGraphs.links(observations).localCheckpoint();
    Dataset<Row> nodes =
        MappingGraphs.nodes(observations).join(MappingGraphs.linkCounts(links), "node_id");
    return new Graph(
        MappingGraphs.userIds(nodes, links, maxLinks, partitions(spark), levels()), links);
  }

  /**
   * The components the observations touched, recomputed from all their links; every other row of
   * the table as it was.
   */
  private Graph touched(
      SparkSession spark, Dataset<Row> observations, int maxLinks, Map<String, Long> figures) {
    Dataset<Row> allLinks = spark.table(tables.edges());
    Dataset<Row> userIds = spark.table(tables.userIds());
    Dataset<Row> links = MappingGraphs.links(observations).localCheckpoint();
    // Links not seen before: their ends gain a link each.
    Dataset<Row> known =
        allLinks
            .join(broadcast(links.select("src", "dst")), new String[] {"src", "dst"})
            .select("src", "dst");
    Dataset<Row> newLinks =
        links.join(known, new String[] {"src", "dst"}, "left_anti").localCheckpoint();
    Dataset<Row> observedNodes = MappingGraphs.nodes(observations).localCheckpoint();
    Dataset<Row> touchedComponents =
        userIds
            .join(
                broadcast(observedNodes.select(col("node_id").as("observed"))),
                col("node_id").equalTo(col("observed")),
                "left_semi")
            .select(col("canonical_id").as("touched"))
            .distinct();
    // Every node of a component an observation touched, as it was.
    Dataset<Row> members =
        userIds
            .join(
                broadcast(touchedComponents),
                col("canonical_id").equalTo(col("touched")),
                "left_semi")
            .drop("canonical_id", "set_aside");
    Dataset<Row> gained = MappingGraphs.linkCounts(newLinks).withColumnRenamed("links", "gained");
    Dataset<Row> nodes =
        merge(members, observedNodes)
            .join(gained, new String[] {"node_id"}, "left")
            .select(
                col("node_id"),
                col("partner"),
                col("id"),
                col("region"),
                col("first_seen"),
                col("last_seen"),
                coalesce(col("links"), lit(0))
                    .plus(coalesce(col("gained"), lit(0)))
                    .cast("int")
                    .as("links"))
            .localCheckpoint();
    figures.put("ids_touched", nodes.count());
    Dataset<Row> nodeIds = nodes.select(col("node_id").as("member"));
    // Both ends of an old link are in one component, so its smaller end finds it, hubs aside
    // (whose links merge nothing anyway).
    Dataset<Row> theirLinks =
        allLinks
            .join(broadcast(nodeIds), col("src").equalTo(col("member")), "left_semi")
            .select("src", "dst")
            .union(newLinks.select("src", "dst"));
    Dataset<Row> recomputed =
        MappingGraphs.userIds(nodes, theirLinks, maxLinks, partitions(spark), levels());
    Dataset<Row> kept =
        userIds.join(broadcast(nodeIds), col("node_id").equalTo(col("member")), "left_anti");
    return new Graph(kept.unionByName(recomputed), newLinks);
  }

  private static int partitions(SparkSession spark) {
    return Math.max(spark.sparkContext().defaultParallelism(), 2);
  }

  private LocalUnionComponents.LevelListener levels() {
    return (level, left) ->
        progress.accept("  level %d: %,d links left to merge".formatted(level, left));
  }

  /**
   * The nodes of both sides as one row each: first seen the earlier, last seen the later, the
   * region of the earlier, the old links (new nodes: none yet).
   */
  private static Dataset<Row> merge(Dataset<Row> old, Dataset<Row> observed) {
    Dataset<Row> o = observed.as("o");
    Dataset<Row> b = old.as("b");
    return b.join(o, col("b.node_id").equalTo(col("o.node_id")), "full_outer")
        .select(
            coalesce(col("b.node_id"), col("o.node_id")).as("node_id"),
            coalesce(col("b.partner"), col("o.partner")).as("partner"),
            coalesce(col("b.id"), col("o.id")).as("id"),
            // The region of the first sighting, even when a late observation is older.
            when(col("o.first_seen").lt(col("b.first_seen")), col("o.region"))
                .otherwise(coalesce(col("b.region"), col("o.region")))
                .as("region"),
            least(col("b.first_seen"), col("o.first_seen")).as("first_seen"),
            greatest(col("b.last_seen"), col("o.last_seen")).as("last_seen"),
            col("b.links").as("links"));
  }

  /**
   * The observations to read, each marked {@code valid} when it keeps the mapping event's rules
   * (names, ids, time); null when there are none: no input table, or nothing new.
   */
  private Dataset<Row> observations(
      SparkSession spark,
      boolean all,
      Map<String, String> recorded,
      Map<String, String> summary,
      Pseudonymizer pseudonyms) {
    List<Dataset<Row>> parts = new ArrayList<>();
    for (MappingInput input : inputs) {
      if (!spark.catalog().tableExists(input.table())) {
        continue;
      }
      Snapshot current = LakeTables.load(spark, input.table()).currentSnapshot();
      if (current == null) {
        continue;
      }
      String key = INPUT_PROPERTY_PREFIX + input.table();
      summary.put(key, String.valueOf(current.snapshotId()));
      String last = recorded.get(key);
      var reader = spark.read().format("iceberg");
      if (all || last == null) {
        reader = reader.option("versionAsOf", current.snapshotId());
      } else if (Long.parseLong(last) == current.snapshotId()) {
        continue;
      } else {
        reader =
            reader
                .option("start-snapshot-id", last)
                .option("end-snapshot-id", current.snapshotId());
      }
      Dataset<Row> rows = reader.load(LakeConfig.CATALOG_NAME + "." + input.table());
      Column valid = valid(rows);
      Column userId = col("user_id");
      if (input.idsAsSent() && pseudonyms != null) {
        userId =
            when(
                valid,
                udf((UDF1<String, String>) pseudonyms::pseudonymize, DataTypes.StringType)
                    .apply(userId));
      }
      parts.add(
          rows.select(
              col("partner"),
              col("partner_id"),
              userId.as("user_id"),
              col("region"),
              col("event_time").as("seen_at"),
              valid.as("valid")));
    }
    if (parts.isEmpty()) {
      return null;
    }
    Dataset<Row> union = parts.get(0);
    for (int i = 1; i < parts.size(); i++) {
      union = union.unionByName(parts.get(i));
    }
    return union.localCheckpoint();
  }

  /** The rules of {@link MappingEvent} as a condition on a row of observations. */
  private static Column valid(Dataset<Row> rows) {
    String name = "^" + MappingEvent.NAME.pattern() + "$";
    String id = "^[^\\x00-\\x20\\x7f]{1," + MappingEvent.MAX_ID_LENGTH + "}$";
    return coalesce(
        rows.col("partner")
            .rlike(name)
            .and(rows.col("partner").notEqual(MappingEvent.OUR_PARTNER))
            .and(rows.col("region").rlike(name))
            .and(rows.col("partner_id").rlike(id))
            .and(rows.col("user_id").rlike(id))
            .and(rows.col("event_time").isNotNull()),
        lit(false));
  }

  private static void rollBackLinksTo(Table linksTable, String snapshot) {
    if (snapshot == null || linksTable.currentSnapshot() == null) {
      return;
    }
    long recorded = Long.parseLong(snapshot);
    if (linksTable.currentSnapshot().snapshotId() != recorded) {
      linksTable.manageSnapshots().rollbackTo(recorded).commit();
    }
  }

  /** A step that writes a table. */
  @FunctionalInterface
  private interface Write {
    void run() throws NoSuchTableException;
  }

  private void step(String name, Write work) {
    step(
        name,
        () -> {
          try {
            work.run();
          } catch (NoSuchTableException e) {
            throw new ExternalFailureException("Cannot write " + name + ": table missing", e);
          }
          return null;
        });
  }

  private <T> T step(String name, Supplier<T> work) {
    long start = System.nanoTime();
    T result = work.get();
    progress.accept("%s (%.1f s)".formatted(name, (System.nanoTime() - start) / 1e9));
    return result;
  }
}
