package dev.adlake.core.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobResultTest {
  @Test
  void figuresPrintInTheirUnits() {
    Map<String, Long> figures = new LinkedHashMap<>();
    figures.put("files_new", 1_234L);
    figures.put("rows_rejected", 7L);
    figures.put("bytes_removed", 3L * 1024 * 1024 * 1024 / 2);
    figures.put("small", 999L);
    figures.put("took", 65_432L);
    figures.put("hours", 24L);
    JobResult result =
        new JobResult(
            10,
            9,
            figures,
            Map.of(
                "files_new", Unit.FILES,
                "rows_rejected", Unit.ROWS,
                "bytes_removed", Unit.BYTES,
                "small", Unit.BYTES,
                "took", Unit.MILLISECONDS));

    assertThat(result.describe("files_new")).isEqualTo("1,234");
    assertThat(result.describe("rows_rejected")).isEqualTo("7");
    assertThat(result.describe("bytes_removed")).isEqualTo("1.5 GB");
    assertThat(result.describe("small")).isEqualTo("999 B");
    assertThat(result.describe("took")).isEqualTo("65.4 s");
    assertThat(result.describe("hours")).isEqualTo("24");
    assertThat(result.units()).containsKeys(figures.keySet().toArray(String[]::new));
    assertThat(result.figures().keySet()).containsExactlyElementsOf(figures.keySet());
    assertThat(Unit.MILLISECONDS.format(250)).isEqualTo("250 ms");
  }

  @Test
  void aUnitOfNoFigureIsRefused() {
    assertThatThrownBy(() -> new JobResult(0, 0, Map.of("a", 1L), Map.of("b", Unit.ROWS)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("b");
  }

  @Test
  void storedUnitNamesReadBack() {
    for (Unit unit : Unit.values()) {
      assertThat(Unit.fromSql(unit.sqlName())).isEqualTo(unit);
    }
    assertThat(Unit.fromSql(null)).isEqualTo(Unit.COUNT);
  }
}
