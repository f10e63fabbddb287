package dev.adlake.spark.maintenance;

import dev.adlake.core.AdlakeException;
import dev.adlake.core.ErrorCategory;
import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.config.ValueType;
import dev.adlake.core.job.Dataset;
import dev.adlake.core.job.Domain;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.JobKind;
import dev.adlake.core.job.JobParameter;
import dev.adlake.core.job.JobParameters;
import dev.adlake.core.job.JobResult;
import dev.adlake.core.job.Unit;
import dev.adlake.core.metadata.JdbcErasures;
import dev.adlake.spark.SparkJob;
import dev.adlake.spark.SparkJobContext;
import dev.adlake.spark.common.PseudonymKey;
import dev.adlake.spark.common.Pseudonymizer;
import dev.adlake.spark.cookiemapping.IdentityTables;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Erasure of a user's data (data protection): the id given is expanded through the identity graph
 * and the mapping tables to every id of the user ({@link ErasureSubject}); their rows go from every
 * table holding user-level data, lake and serving ({@link Eraser}); the erasure is recorded in
 * {@code adlake.erasures} with the ids, the rows removed per table and the proof that no retained
 * snapshot holds any of them. A rerun of the same erasure finds nothing left and proves it again.
 */
public final class EraseJob implements SparkJob {
  public static final String NAME = "erase-user";

  public static final JobParameter<String> USER =
      new JobParameter<>(
          "user",
          ValueType.string(),
          null,
          true,
          "Our cookie id, a partner's id or a canonical user id: every id of the user goes");

  public static final JobParameter<String> REQUESTED_BY =
      JobParameter.optional(
          "requested-by",
          ValueType.string(),
          "unknown",
          "Who asked for the erasure (a ticket, a person), kept in the erasure record");

  public static final JobParameter<Boolean> DRY_RUN =
      JobParameter.optional(
          "dry-run",
          ValueType.bool(),
          "false",
          "List the ids and the rows per table; erase nothing");

  private static final JobDefinition DEFINITION =
      new JobDefinition(
          NAME,
          Domain.MAINTENANCE,
          JobKind.BATCH,
          "Erases a user's rows from every table holding user-level data, lake and serving, and"
              + " every retained snapshot, with a record and a proof",
          List.of(),
          List.of(Dataset.external("adlake.erasures")),
          List.of(USER, REQUESTED_BY, DRY_RUN));

  private final IdentityTables identity;

  public EraseJob() {
    this(IdentityTables.DEFAULT);
  }

  /**
   * @param identity the identity graph the ids are expanded through
   */
  public EraseJob(IdentityTables identity) {
    this.identity = identity;
  }

  @Override
  public JobDefinition definition() {
    return DEFINITION;
  }

  @Override
  public JobResult run(SparkJobContext context, JobParameters parameters) {
    String user = parameters.get(USER);
    ErasureSubject subject =
        ErasureSubject.expand(
            context.spark(), user, context.tables(), identity, pseudonyms(context.config()));
    context
        .progress()
        .accept(
            "%s expands to %d ids (%d canonical user ids, %d graph nodes): %s"
                .formatted(
                    user,
                    subject.ids().size(),
                    subject.canonicalIds().size(),
                    subject.nodes().size(),
                    subject.ids()));
    Eraser eraser =
        new Eraser(
            context.spark(), context.metadata().dataSource(), context.tables(), context.progress());
    if (parameters.get(DRY_RUN)) {
      Map<String, Long> rows = eraser.count(subject);
      rows.forEach(
          (table, count) -> {
            if (count > 0) {
              context.progress().accept("would erase %,d rows of %s".formatted(count, table));
            }
          });
      return result(subject, rows, 0);
    }
    JdbcErasures erasures = new JdbcErasures(context.metadata().dataSource());
    long erasure =
        erasures.begin(
            context.runId(), user, parameters.get(REQUESTED_BY), new ArrayList<>(subject.ids()));
    try {
      Map<String, Long> removed = eraser.erase(subject);
      Map<String, String> proof = eraser.prove(subject);
      proof.forEach(
          (table, found) -> context.progress().accept("proof: %s: %s".formatted(table, found)));
      if (!Eraser.clean(proof)) {
        throw new AdlakeException(
            ErrorCategory.INTERNAL_ERROR,
            "The erasure of %s left rows behind: %s".formatted(user, proof));
      }
      erasures.erased(erasure, removed, proof);
      long snapshots =
          proof.values().stream()
              .filter(text -> text.contains("snapshots"))
              .mapToLong(text -> Long.parseLong(text.replaceAll(".* in (\\d+) retained.*", "$1")))
              .sum();
      return result(subject, removed, snapshots);
    } catch (RuntimeException e) {
      erasures.failed(erasure, String.valueOf(e.getMessage()));
      throw e;
    }
  }

  private static JobResult result(ErasureSubject subject, Map<String, Long> rows, long snapshots) {
    Map<String, Long> figures = new LinkedHashMap<>();
    figures.put("ids", (long) subject.ids().size());
    figures.put("tables", rows.values().stream().filter(count -> count > 0).count());
    figures.put("rows_removed", rows.values().stream().mapToLong(Long::longValue).sum());
    figures.put("snapshots_proven", snapshots);
    return new JobResult(0, 0, figures, Map.of("rows_removed", Unit.ROWS));
  }

  /** The platform's pseudonyms, when it pseudonymises ids and has a key. */
  private static Optional<Pseudonymizer> pseudonyms(AdlakeConfig config) {
    if (!config.enrich().pseudonymizeUserIds()) {
      return Optional.empty();
    }
    try {
      PseudonymKey.of(config);
    } catch (RuntimeException e) {
      // No key: nothing was pseudonymised with one.
      return Optional.empty();
    }
    // Refused while a rotation is under way: the tables hold two generations of pseudonyms.
    return Optional.of(PseudonymKey.pseudonymizer(config));
  }
}
