package dev.adlake.spark.cookiemapping;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.InvalidInputException;
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
import dev.adlake.spark.LakeTables;
import dev.adlake.spark.SparkJob;
import dev.adlake.spark.SparkJobContext;
import dev.adlake.spark.common.PseudonymKey;
import dev.adlake.spark.common.Pseudonymizer;
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

  public static final JobParameter<Boolean> RECOMPUTE =
      JobParameter.optional(
          "recompute",
          ValueType.bool(),
          "false",
          "Recompute every component from the graph the tables keep (all ids and links), reading"
              + " no observations: after changing max-links, or to check the incremental runs");

  public static final JobParameter<Integer> MAX_LINKS =
      JobParameter.optional(
          "max-links",
          ValueType.integer(1, 1_000_000),
          "1000",
          "Ids with more distinct links than this (shared devices, bots, placeholder ids) are set"
              + " aside as hubs and merge nothing");

  static final String INPUT_PROPERTY_PREFIX = "adlake.identity.input.";
  static final String LINKS_PROPERTY = "adlake.identity.links-snapshot";
  static final String MAX_LINKS_PROPERTY = "adlake.identity.max-links";

  /** The ids observed by a run are broadcast to the old rows up to this many (about 150 MB). */
  static final long BROADCAST_IDS = 8_000_000;

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
  private final Consumer<String> progress;

  public UserIdsMapperJob(List<MappingInput> inputs, IdentityTables tables) {
    this(inputs, tables, line -> {});
  }

  private UserIdsMapperJob(
      List<MappingInput> inputs, IdentityTables tables, Consumer<String> progress) {
    this.inputs = List.copyOf(inputs);
    this.tables = tables;
    this.progress = progress;
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
            List.of(FULL, RECOMPUTE, MAX_LINKS));
  }

  /** The same job with a line per step going to {@code progress}. */
  public UserIdsMapperJob withProgress(Consumer<String> progress) {
    return new UserIdsMapperJob(inputs, tables, progress);
  }

  @Override
  public JobDefinition definition() {
    return definition;
  }

  @Override
  public JobResult run(SparkJobContext context, JobParameters parameters) {
    return withProgress(context.progress()).execute(context, parameters);
  }

  private JobResult execute(SparkJobContext context, JobParameters parameters) {
    AdlakeConfig config = context.config();
    if (parameters.get(RECOMPUTE)) {
      if (parameters.get(FULL)) {
        throw new InvalidInputException(
            "Parameters full and recompute exclude each other: full rebuilds the graph from all"
                + " observations, recompute only its components from the tables");
      }
      return recompute(context.spark(), parameters.get(MAX_LINKS));
    }
    boolean pseudonymize =
        config.enrich().pseudonymizeUserIds() && inputs.stream().anyMatch(MappingInput::idsAsSent);
    return run(
        context.spark(),
        parameters.get(FULL),
        parameters.get(MAX_LINKS),
        pseudonymize ? PseudonymKey.pseudonymizer(config) : null);
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
    String limitBefore = recorded.get(MAX_LINKS_PROPERTY);
    if (!everything && limitBefore != null && Integer.parseInt(limitBefore) != maxLinks) {
      throw new InvalidInputException(
          ("max-links is %d but the identity tables were computed with %s: run user-ids-mapper"
                  + " --parameter recompute=true --parameter max-links=%d first, then the"
                  + " incremental runs with that limit")
              .formatted(maxLinks, limitBefore, maxLinks));
    }
    Map<String, String> summary = new LinkedHashMap<>();
    summary.put(MAX_LINKS_PROPERTY, String.valueOf(maxLinks));
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
      graph = merged(spark, observations, maxLinks, figures);
    }
    // Read once, by the write below: what it reads of the tables is pinned when it is planned.
    Dataset<Row> rows = graph.userIds();
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
    (graph.figures() != null
            ? graph.figures()
            : step("count the figures", () -> IdentityFigures.of(spark.table(tables.userIds()))))
        .addTo(figures);
    return new JobResult(observed, figures.get("ids"), figures);
  }

  /**
   * Every component recomputed from the graph the tables keep: the ids of {@code user_ids} (with
   * their links counted) and the links of {@code mapping_edges}; no observation is read, and the
   * input snapshots recorded stay as they were. Gives what the incremental runs gave for the same
   * limit, and sets the hubs aside anew after {@code max-links} changed.
   */
  public JobResult recompute(SparkSession spark, int maxLinks) {
    tables.ensure(spark);
    Table linksTable = LakeTables.load(spark, tables.edges());
    Snapshot last = LakeTables.load(spark, tables.userIds()).currentSnapshot();
    Map<String, Long> figures = new LinkedHashMap<>();
    if (last == null) {
      progress.accept("no graph yet: run user-ids-mapper without recompute first");
      return new JobResult(0, 0, figures);
    }
    rollBackLinksTo(linksTable, last.summary().get(LINKS_PROPERTY));
    Dataset<Row> nodes =
        spark
            .read()
            .format("iceberg")
            .option("versionAsOf", last.snapshotId())
            .load(LakeConfig.CATALOG_NAME + "." + tables.userIds())
            .drop("canonical_id", "set_aside");
    Dataset<Row> links = spark.table(tables.edges()).select("src", "dst");
    MappingGraphs.UserIds userIds =
        step(
            "components",
            () ->
                MappingGraphs.userIds(
                    nodes,
                    links,
                    maxLinks,
                    partitions(
                        spark,
                        Long.parseLong(
                            linksTable
                                .currentSnapshot()
                                .summary()
                                .getOrDefault("total-records", "0"))),
                    levels()));
    Dataset<Row> rows = userIds.rows();
    step(
        "write the user ids",
        () -> {
          var writer = rows.writeTo(tables.userIds());
          last.summary().entrySet().stream()
              .filter(
                  entry ->
                      entry.getKey().startsWith(INPUT_PROPERTY_PREFIX)
                          || entry.getKey().equals(LINKS_PROPERTY))
              .forEach(
                  entry -> writer.option("snapshot-property." + entry.getKey(), entry.getValue()));
          writer.option("snapshot-property." + MAX_LINKS_PROPERTY, String.valueOf(maxLinks));
          writer.overwrite(lit(true));
        });
    figures.put(
        "links", Long.parseLong(linksTable.currentSnapshot().summary().get("total-records")));
    userIds.figures().addTo(figures);
    return new JobResult(0, figures.get("ids"), figures);
  }

  /**
   * The new user-ids table and the links to add to the links table; the figures of the components
   * when they were all computed, else null (read from the table written).
   */
  private record Graph(Dataset<Row> userIds, Dataset<Row> newLinks, IdentityFigures figures) {}

  /** Everything from all observations: every link is new. */
  private Graph all(Dataset<Row> observations, int maxLinks, SparkSession spark) {
    Dataset<Row> links = MappingGraphs.links(observations).localCheckpoint();
    Dataset<Row> nodes =
        MappingGraphs.nodes(observations)
            .join(MappingGraphs.linkCounts(links), "node_id")
            .localCheckpoint();
    int partitions = partitions(spark, links.count());
    MappingGraphs.UserIds userIds =
        step(
            "components",
            () -> MappingGraphs.userIds(nodes, links, maxLinks, partitions, levels()));
    return new Graph(userIds.rows(), links, userIds.figures());
  }

  /**
   * The new observations merged into the components the tables keep, without recomputing them.
   * Adding links never splits a component, so each old component is contracted to one vertex (its
   * oldest node, late sightings counted) and the components are computed over the new links between
   * such vertices and new ids only. The one exception, an id crossing the hub limit, splits the
   * component it had merged: those components are recomputed from their old links first. Every row
   * of the table is rewritten with its new canonical id and sightings.
   */
  private Graph merged(
      SparkSession spark, Dataset<Row> observations, int maxLinks, Map<String, Long> figures) {
    Dataset<Row> oldLinks = spark.table(tables.edges());
    Dataset<Row> old = spark.table(tables.userIds());
    int partitions =
        partitions(
            spark,
            Long.parseLong(
                LakeTables.load(spark, tables.edges())
                    .currentSnapshot()
                    .summary()
                    .getOrDefault("total-records", "0")));
    Dataset<Row> links = MappingGraphs.links(observations).localCheckpoint();
    Dataset<Row> known =
        oldLinks
            .join(broadcast(links.select("src", "dst")), new String[] {"src", "dst"})
            .select("src", "dst");
    Dataset<Row> newLinks =
        step(
            "new links",
            () -> links.join(known, new String[] {"src", "dst"}, "left_anti").localCheckpoint());
    Dataset<Row> gained = MappingGraphs.linkCounts(newLinks).withColumnRenamed("links", "gained");

    // Every observed id as it is now, with its component before (null for a new id).
    Dataset<Row> o = MappingGraphs.nodes(observations).as("o");
    Dataset<Row> b =
        old.select(
                "node_id",
                "region",
                "first_seen",
                "last_seen",
                "links",
                "canonical_id",
                "set_aside")
            .as("b");
    Dataset<Row> observed =
        o.join(b, col("o.node_id").equalTo(col("b.node_id")), "left")
            .join(gained, col("o.node_id").equalTo(gained.col("node_id")), "left")
            .select(
                col("o.node_id").as("node_id"),
                col("o.partner").as("partner"),
                col("o.id").as("id"),
                // The region of the first sighting, even when a late observation is older.
                when(
                        col("b.first_seen")
                            .isNull()
                            .or(col("o.first_seen").lt(col("b.first_seen"))),
                        col("o.region"))
                    .otherwise(col("b.region"))
                    .as("region"),
                least(col("b.first_seen"), col("o.first_seen")).as("first_seen"),
                greatest(col("b.last_seen"), col("o.last_seen")).as("last_seen"),
                coalesce(col("b.links"), lit(0))
                    .plus(coalesce(col("gained"), lit(0)))
                    .cast("int")
                    .as("links"),
                col("b.canonical_id").as("was"),
                coalesce(col("b.set_aside"), lit(false)).as("was_hub"))
            .localCheckpoint();
    long observedIds = step("observed ids", () -> observed.count());
    figures.put("ids_observed", observedIds);
    Column hub = col("links").gt(maxLinks);

    // Components an id crossing the limit had merged: recomputed from their old links.
    Dataset<Row> splitGroups =
        observed
            .where(hub.and(col("was").isNotNull()).and(not(col("was_hub"))))
            .select(col("was").as("group"))
            .distinct()
            .localCheckpoint();
    long splits = splitGroups.count();
    figures.put("components_split", splits);
    Dataset<Row> splitFirst = null;
    if (splits > 0) {
      Dataset<Row> members =
          old.join(broadcast(splitGroups), col("canonical_id").equalTo(col("group")), "left_semi")
              .select("node_id", "first_seen", "links")
              .as("m")
              .join(observed.as("n"), col("m.node_id").equalTo(col("n.node_id")), "left")
              .select(
                  col("m.node_id").as("node_id"),
                  coalesce(col("n.first_seen"), col("m.first_seen")).as("first_seen"),
                  coalesce(col("n.links"), col("m.links")).as("links"))
              .localCheckpoint();
      Dataset<Row> merging = members.where(not(hub)).select(col("node_id").as("member"));
      Dataset<Row> theirLinks =
          oldLinks
              .join(broadcast(merging), col("src").equalTo(col("member")), "left_semi")
              .join(broadcast(merging), col("dst").equalTo(col("member")), "left_semi")
              .select("src", "dst");
      splitFirst =
          LocalUnionComponents.first(
                  theirLinks,
                  members.select(
                      col("node_id").as("id"), unix_micros(col("first_seen")).as("rank")),
                  partitions,
                  levels())
              .firsts()
              .join(members, col("first").equalTo(col("node_id")))
              .select(
                  col("id").as("split_node"),
                  col("first").as("split_vertex"),
                  unix_micros(col("first_seen")).as("split_rank"))
              .localCheckpoint();
    }

    // Each old component touched becomes one vertex: its oldest node, late sightings counted.
    Dataset<Row> touched =
        observed
            .where(col("was").isNotNull().and(not(hub)))
            .join(broadcast(splitGroups), col("was").equalTo(col("group")), "left_anti")
            .groupBy(col("was").as("group"))
            .agg(min(struct(unix_micros(col("first_seen")).as("rank"), col("node_id"))).as("seen"));
    Dataset<Row> canonicalNodes =
        old.where(col("node_id").equalTo(col("canonical_id")))
            .select(
                col("node_id").as("canonical_node"),
                struct(unix_micros(col("first_seen")).as("rank"), col("node_id")).as("canonical"));
    Dataset<Row> groupVertex =
        touched
            .join(canonicalNodes, col("group").equalTo(col("canonical_node")))
            .select(col("group"), least(col("seen"), col("canonical")).as("vertex"))
            .select(
                col("group"),
                col("vertex").getField("node_id").as("group_vertex"),
                col("vertex").getField("rank").as("group_rank"))
            .localCheckpoint();

    // The vertex of every observed id that merges: its split part, its old component's, or itself.
    Dataset<Row> placed =
        observed.where(not(hub)).join(groupVertex, col("was").equalTo(col("group")), "left");
    if (splitFirst != null) {
      placed =
          placed
              .join(splitFirst, col("node_id").equalTo(col("split_node")), "left")
              .withColumn(
                  "vertex", coalesce(col("split_vertex"), col("group_vertex"), col("node_id")))
              .withColumn(
                  "rank",
                  coalesce(col("split_rank"), col("group_rank"), unix_micros(col("first_seen"))));
    } else {
      placed =
          placed
              .withColumn("vertex", coalesce(col("group_vertex"), col("node_id")))
              .withColumn("rank", coalesce(col("group_rank"), unix_micros(col("first_seen"))));
    }
    Dataset<Row> withVertex = placed.select("node_id", "vertex", "rank");
    Dataset<Row> vertexOf = step("vertices", () -> withVertex.localCheckpoint());
    Dataset<Row> from = vertexOf.select(col("node_id").as("s"), col("vertex").as("src"));
    Dataset<Row> to = vertexOf.select(col("node_id").as("d"), col("vertex").as("dst"));
    Dataset<Row> contracted =
        newLinks
            .join(from, newLinks.col("src").equalTo(col("s")))
            .drop(newLinks.col("src"))
            .join(to, newLinks.col("dst").equalTo(col("d")))
            .select(col("src"), to.col("dst"))
            .where(col("src").notEqual(col("dst")));
    Dataset<Row> vertices = vertexOf.groupBy(col("vertex").as("id")).agg(min("rank").as("rank"));
    Dataset<Row> firstOf =
        LocalUnionComponents.first(contracted, vertices, partitions, levels())
            .firsts()
            .select(col("id").as("v"), col("first").as("new_canonical"))
            .localCheckpoint();

    // The new canonical id of each old component that changed, and of each id of a split one.
    Dataset<Row> groupCanonical =
        step(
            "new canonical ids",
            () ->
                groupVertex
                    .join(firstOf, col("group_vertex").equalTo(col("v")))
                    .where(col("new_canonical").notEqual(col("group")))
                    .select(
                        col("group").as("old_canonical"),
                        col("new_canonical").as("group_canonical"))
                    .localCheckpoint());
    long changedGroups = groupCanonical.count();
    figures.put("components_merged", changedGroups);

    // The observed ids' rows: the canonical id of their vertex, hubs their own.
    Dataset<Row> canonicalOfObserved =
        vertexOf
            .join(firstOf, col("vertex").equalTo(col("v")), "left")
            .select(
                col("node_id").as("of_node"),
                coalesce(col("new_canonical"), col("vertex")).as("node_canonical"));
    Dataset<Row> observedRows =
        observed
            .join(canonicalOfObserved, col("node_id").equalTo(col("of_node")), "left")
            .select(
                col("node_id"),
                col("partner"),
                col("id"),
                when(hub, col("node_id"))
                    .otherwise(coalesce(col("node_canonical"), col("node_id")))
                    .as("canonical_id"),
                col("region"),
                col("first_seen"),
                col("last_seen"),
                col("links"),
                hub.as("set_aside"));

    // Every other row as it was, but for the canonical id of a changed or split component: small
    // tables joined to the old rows where they are, which are not shuffled.
    Dataset<Row> seen = observed.select(col("node_id").as("seen_node"));
    Dataset<Row> kept =
        old.join(
                observedIds <= BROADCAST_IDS ? broadcast(seen) : seen,
                col("node_id").equalTo(col("seen_node")),
                "left_anti")
            .join(
                changedGroups <= LocalUnionComponents.BROADCAST_ROWS
                    ? broadcast(groupCanonical)
                    : groupCanonical,
                col("canonical_id").equalTo(col("old_canonical")),
                "left");
    Column keptCanonical = coalesce(col("group_canonical"), col("canonical_id"));
    if (splitFirst != null) {
      Dataset<Row> splitCanonical =
          splitFirst
              .join(firstOf, col("split_vertex").equalTo(col("v")), "left")
              .select(
                  col("split_node").as("of_split"),
                  coalesce(col("new_canonical"), col("split_vertex")).as("split_canonical"))
              .localCheckpoint();
      kept =
          kept.join(
              splitCanonical.count() <= LocalUnionComponents.BROADCAST_ROWS
                  ? broadcast(splitCanonical)
                  : splitCanonical,
              col("node_id").equalTo(col("of_split")),
              "left");
      keptCanonical = coalesce(col("split_canonical"), keptCanonical);
    }
    kept =
        kept.select(
            col("node_id"),
            col("partner"),
            col("id"),
            keptCanonical.as("canonical_id"),
            col("region"),
            col("first_seen"),
            col("last_seen"),
            col("links"),
            col("set_aside"));
    return new Graph(kept.unionByName(observedRows), newLinks, null);
  }

  /** Links a task of the components' levels takes at most, so that its memory stays bounded. */
  static final long LINKS_PER_TASK = 400_000;

  /**
   * The partitions of the components' levels for a graph of this many links: at least one per core,
   * and enough that no task holds more than {@link #LINKS_PER_TASK} links (a task's groups are held
   * in memory), so a larger graph spreads over more tasks instead of failing.
   */
  static int partitions(SparkSession spark, long links) {
    long bySize = (links + LINKS_PER_TASK - 1) / LINKS_PER_TASK;
    return (int)
        Math.min(100_000, Math.max(Math.max(spark.sparkContext().defaultParallelism(), 2), bySize));
  }

  private LocalUnionComponents.LevelListener levels() {
    long[] since = {System.nanoTime()};
    return (level, left) -> {
      long now = System.nanoTime();
      progress.accept(
          "  level %d (%.1f s): %,d links left to merge"
              .formatted(level, (now - since[0]) / 1e9, left));
      since[0] = now;
    };
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
