package dev.adlake.bench;

import java.util.List;

/** The median of a benchmark's runs: the middle value (the upper one of an even count). */
public final class Medians {
  private Medians() {}

  public static double of(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }
}
