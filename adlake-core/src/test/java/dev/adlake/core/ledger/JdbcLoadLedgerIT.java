package dev.adlake.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adlake.core.ConflictException;
import dev.adlake.core.metadata.EmbeddedPostgresServer;
import dev.adlake.core.metadata.MetadataStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The load ledger on a real PostgreSQL. */
class JdbcLoadLedgerIT {
  @TempDir static Path home;
  static EmbeddedPostgresServer postgres;
  static MetadataStore store;
  static LoadLedger ledger;

  @BeforeAll
  static void start() {
    postgres =
        EmbeddedPostgresServer.startOrAttach(
            home.resolve("postgres"),
            home.resolve("work"),
            home.resolve("logs/pg.log"),
            0,
            home.resolve("secrets/postgres-password"));
    store =
        MetadataStore.open(
            postgres.jdbcUrl(), EmbeddedPostgresServer.USER, Optional.of(postgres.password()), 12);
    ledger = new JdbcLoadLedger(store.dataSource());
  }

  @AfterAll
  static void stop() {
    store.close();
    postgres.close();
  }

  @Test
  void theSameObjectIsRecordedOnceAndAChangedOneAgain() {
    Instant modified = Instant.parse("2026-11-01T10:00:00Z");
    LoadLedger.Discovery first = ledger.discover("once", "once/a.csv", 100, modified);
    LoadLedger.Discovery again = ledger.discover("once", "once/a.csv", 100, modified);
    LoadLedger.Discovery changed =
        ledger.discover("once", "once/a.csv", 120, modified.plusSeconds(60));
    assertThat(first.isNew()).isTrue();
    assertThat(again.isNew()).isFalse();
    assertThat(again.load().id()).isEqualTo(first.load().id());
    assertThat(changed.isNew()).isTrue();
    assertThat(changed.load().id()).isNotEqualTo(first.load().id());
  }

  @Test
  void onlyLegalTransitionsArePossible() {
    Load load = ledger.discover("machine", "machine/a.csv", 1, Instant.now()).load();
    assertThatThrownBy(() -> ledger.transition(load.id(), LoadStatus.READY, LoadStatus.ARCHIVED))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("Illegal load status transition ready -> archived");
    assertThatThrownBy(
            () ->
                ledger.transition(load.id(), LoadStatus.INGESTING, LoadStatus.READY_FOR_ARCHIVING))
        .isInstanceOf(ConflictException.class)
        .hasMessage("Cannot change load %d: it is ready, not ingesting".formatted(load.id()));
    Load claimed = ledger.claim(List.of("machine")).orElseThrow();
    Load committed =
        ledger.committed(claimed.id(), "abcd", new LoadCounts(3, 2, 1, 99L), Optional.empty());
    assertThat(committed.status()).isEqualTo(LoadStatus.READY_FOR_ARCHIVING);
    ledger.transition(load.id(), LoadStatus.READY_FOR_ARCHIVING, LoadStatus.ARCHIVING);
    Load archived =
        ledger.stored(
            load.id(), LoadStatus.ARCHIVING, LoadStatus.ARCHIVED, "/archive/machine/a.csv");
    assertThat(archived.status()).isEqualTo(LoadStatus.ARCHIVED);
    assertThat(archived.rowsRejected()).contains(1L);
    assertThat(archived.snapshotId()).contains(99L);
    assertThat(archived.finishedAt()).isPresent();
    assertThatThrownBy(() -> ledger.transition(load.id(), LoadStatus.ARCHIVED, LoadStatus.READY))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("Illegal load status transition archived -> ready");
    // The Java view of the status machine is the database's.
    for (LoadStatus from : LoadStatus.values()) {
      assertThat(from.next()).doesNotContain(from);
    }
  }

  @Test
  void concurrentClaimsNeverTakeTheSameLoad() throws Exception {
    for (int i = 0; i < 40; i++) {
      ledger.discover(
          "race", "race/" + i + ".csv", i, Instant.parse("2026-11-01T00:00:00Z").plusSeconds(i));
    }
    ExecutorService workers = Executors.newFixedThreadPool(8);
    List<Future<List<Long>>> results = new ArrayList<>();
    for (int w = 0; w < 8; w++) {
      results.add(
          workers.submit(
              () -> {
                List<Long> mine = new ArrayList<>();
                Optional<Load> claimed;
                while ((claimed = ledger.claim(List.of("race"))).isPresent()) {
                  mine.add(claimed.get().id());
                }
                return mine;
              }));
    }
    List<Long> all = Collections.synchronizedList(new ArrayList<>());
    for (Future<List<Long>> result : results) {
      all.addAll(result.get());
    }
    workers.shutdown();
    Set<Long> distinct = new HashSet<>(all);
    assertThat(all).hasSize(40);
    assertThat(distinct).hasSize(40);
    assertThat(ledger.countByStatus(Optional.of("race"))).containsEntry(LoadStatus.INGESTING, 40L);
  }

  @Test
  void listsFilterByStatusFeedAndDay() {
    Load load = ledger.discover("listing", "listing/a.csv", 5, Instant.now()).load();
    assertThat(
            ledger.list(
                Optional.of(LoadStatus.READY), Optional.of("listing"), Optional.empty(), 10))
        .extracting(Load::id)
        .containsExactly(load.id());
    assertThat(
            ledger.list(
                Optional.of(LoadStatus.ERRORED), Optional.of("listing"), Optional.empty(), 10))
        .isEmpty();
    assertThat(
            ledger.list(
                Optional.empty(),
                Optional.of("listing"),
                Optional.of(java.time.LocalDate.of(2001, 1, 1)),
                10))
        .isEmpty();
  }
}
