package dev.adlake.core.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobResultTest {
  @Test
  void figuresKeepTheOrderTheJobGaveThemAndCannotChange() {
    Map<String, Long> figures = new LinkedHashMap<>();
    for (int i = 30; i > 0; i--) {
      figures.put("figure_" + i, (long) i);
    }
    JobResult result = new JobResult(1, 2, figures);
    figures.put("added_later", 0L);

    assertThat(result.figures().keySet())
        .containsExactlyElementsOf(figures.keySet().stream().limit(30).toList());
    assertThatThrownBy(() -> result.figures().put("x", 1L))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aFigureWithoutAValueIsRefusedByName() {
    Map<String, Long> figures = new HashMap<>();
    figures.put("rows_rejected", null);
    assertThatThrownBy(() -> new JobResult(0, 0, figures))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("figure rows_rejected");
  }
}
