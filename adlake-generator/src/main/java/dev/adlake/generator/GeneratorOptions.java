package dev.adlake.generator;

import static java.util.Objects.requireNonNull;

import dev.adlake.core.InvalidInputException;
import java.nio.file.Path;
import java.time.LocalDate;

/**
 * What to generate: a fixed seed, a start date, a number of days and of impressions per day, where
 * the feeds land and where the true answers go.
 *
 * @param threads worker threads; the output does not depend on it
 */
public record GeneratorOptions(
    long seed,
    LocalDate startDate,
    int days,
    long eventsPerDay,
    Path landing,
    Path expected,
    int threads) {
  public static final long DEFAULT_SEED = 20211206L;
  public static final LocalDate DEFAULT_START_DATE = LocalDate.of(2026, 11, 1);

  public GeneratorOptions {
    requireNonNull(startDate, "startDate is null");
    requireNonNull(landing, "landing is null");
    requireNonNull(expected, "expected is null");
    if (days < 1 || days > 366) {
      throw new InvalidInputException("Cannot generate %d days: give 1 to 366".formatted(days));
    }
    if (eventsPerDay < 24 || eventsPerDay > 2_000_000_000L) {
      throw new InvalidInputException(
          "Cannot generate %d events per day: give 24 to 2,000,000,000".formatted(eventsPerDay));
    }
    if (threads < 1) {
      throw new InvalidInputException("Cannot generate with %d threads".formatted(threads));
    }
  }
}
