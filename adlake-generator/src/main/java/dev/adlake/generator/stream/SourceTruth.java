package dev.adlake.generator.stream;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the enricher must find on one source's topic (or on all of them, for the total): records
 * sent, distinct valid events, failed records by stage, duplicates, robots, countries and days.
 *
 * <p>{@code recordsSent = distinctValidEvents + duplicatesSent + failed()} always holds: only valid
 * events are re-sent, and every faulty record is one failed event.
 *
 * @param recordsSent every record sent to the topic, duplicates and faulty ones included
 * @param distinctValidEvents valid events, each counted once however often it was sent
 * @param failedByStage faulty records by the stage they fail at; every stage present
 * @param failedByCase faulty records by the generator's fault case, such as {@code
 *     tracker-truncated-json}
 * @param duplicatesSent records that repeat a valid event sent before, identical in key and value
 * @param robotEvents distinct valid events whose user agent is a robot's
 * @param validEventsByCountry distinct valid events by the country of their address in the sample
 *     geography; the {@code null} key holds the addresses outside it
 * @param validEventsByDay distinct valid events by the UTC day of their event time
 */
public record SourceTruth(
    long recordsSent,
    long distinctValidEvents,
    Map<FailureStage, Long> failedByStage,
    Map<String, Long> failedByCase,
    long duplicatesSent,
    long robotEvents,
    Map<String, Long> validEventsByCountry,
    SortedMap<LocalDate, Long> validEventsByDay) {

  /** Orders countries by code, the addresses outside the geography (null) first. */
  public static final Comparator<String> COUNTRY_ORDER =
      Comparator.nullsFirst(Comparator.naturalOrder());

  public SourceTruth {
    requireNonNull(failedByStage, "failedByStage is null");
    requireNonNull(failedByCase, "failedByCase is null");
    requireNonNull(validEventsByCountry, "validEventsByCountry is null");
    requireNonNull(validEventsByDay, "validEventsByDay is null");
    EnumMap<FailureStage, Long> stages = new EnumMap<>(FailureStage.class);
    for (FailureStage stage : FailureStage.values()) {
      stages.put(stage, failedByStage.getOrDefault(stage, 0L));
    }
    failedByStage = Collections.unmodifiableMap(stages);
    failedByCase = Collections.unmodifiableSortedMap(new TreeMap<>(failedByCase));
    TreeMap<String, Long> countries = new TreeMap<>(COUNTRY_ORDER);
    countries.putAll(validEventsByCountry);
    validEventsByCountry = Collections.unmodifiableSortedMap(countries);
    validEventsByDay = Collections.unmodifiableSortedMap(new TreeMap<>(validEventsByDay));
  }

  /** Records the enricher must write to the failed-events topic. */
  public long failed() {
    return failedByStage.values().stream().mapToLong(Long::longValue).sum();
  }

  public long failed(FailureStage stage) {
    return failedByStage.get(stage);
  }

  /** Distinct valid events in a country, or with {@code null} outside the geography. */
  public long validEventsIn(String country) {
    return validEventsByCountry.getOrDefault(country, 0L);
  }

  /** The sum of several sources' truths. */
  public static SourceTruth sum(Collection<SourceTruth> parts) {
    long records = 0;
    long valid = 0;
    long duplicates = 0;
    long robots = 0;
    Map<FailureStage, Long> stages = new EnumMap<>(FailureStage.class);
    Map<String, Long> cases = new TreeMap<>();
    Map<String, Long> countries = new TreeMap<>(COUNTRY_ORDER);
    SortedMap<LocalDate, Long> days = new TreeMap<>();
    for (SourceTruth part : parts) {
      records += part.recordsSent;
      valid += part.distinctValidEvents;
      duplicates += part.duplicatesSent;
      robots += part.robotEvents;
      part.failedByStage.forEach((stage, count) -> stages.merge(stage, count, Long::sum));
      part.failedByCase.forEach((name, count) -> cases.merge(name, count, Long::sum));
      part.validEventsByCountry.forEach(
          (country, count) -> countries.merge(country, count, Long::sum));
      part.validEventsByDay.forEach((day, count) -> days.merge(day, count, Long::sum));
    }
    return new SourceTruth(records, valid, stages, cases, duplicates, robots, countries, days);
  }
}
