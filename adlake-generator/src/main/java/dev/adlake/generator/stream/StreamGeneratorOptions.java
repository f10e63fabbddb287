package dev.adlake.generator.stream;

import static java.util.Objects.requireNonNull;

import dev.adlake.core.InvalidInputException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What to generate on the event streams: a fixed seed, a number of events, their pace in event
 * time, and the shares of faulty records, re-sent duplicates and bid requests.
 *
 * @param events events to generate (tracker events and bid requests, faulty ones included);
 *     duplicates are sent on top of them
 * @param eventsPerSecond the pace of event time: event {@code i} happens about {@code i /
 *     eventsPerSecond} seconds after {@code start}; a duplicate is re-sent 1 to 5 seconds' worth of
 *     events after its original
 * @param start the event time of the first event
 * @param faultRate share of events sent as a record the enricher must fail
 * @param duplicateRate share of valid events sent a second time, identical, a few seconds later
 * @param bidShare share of events that are bid requests rather than tracker events
 */
public record StreamGeneratorOptions(
    long seed,
    long events,
    int eventsPerSecond,
    Instant start,
    double faultRate,
    double duplicateRate,
    double bidShare) {
  public static final long DEFAULT_SEED = 20211206L;
  public static final int DEFAULT_EVENTS_PER_SECOND = 5000;
  public static final double DEFAULT_FAULT_RATE = 0.01;
  public static final double DEFAULT_DUPLICATE_RATE = 0.02;
  public static final double DEFAULT_BID_SHARE = 0.3;

  public StreamGeneratorOptions {
    requireNonNull(start, "start is null");
    List<String> problems = problems(events, eventsPerSecond, faultRate, duplicateRate, bidShare);
    if (!problems.isEmpty()) {
      throw new InvalidInputException(
          "Cannot generate stream events: " + String.join("; ", problems));
    }
  }

  /**
   * What breaks the rules among these values, each naming the value and the rule; empty if none.
   */
  public static List<String> problems(
      long events, int eventsPerSecond, double faultRate, double duplicateRate, double bidShare) {
    List<String> problems = new ArrayList<>();
    if (events < 0) {
      problems.add("events is %d: give 0 or more".formatted(events));
    }
    if (eventsPerSecond < 1 || eventsPerSecond > 10_000_000) {
      problems.add("events per second is %d: give 1 to 10,000,000".formatted(eventsPerSecond));
    }
    checkShare(problems, "fault rate", faultRate);
    checkShare(problems, "duplicate rate", duplicateRate);
    checkShare(problems, "bid share", bidShare);
    return problems;
  }

  /** The defaults: {@value #DEFAULT_SEED}, 1% faults, 2% duplicates, 30% bid requests. */
  public static StreamGeneratorOptions defaults(long events, Instant start) {
    return new StreamGeneratorOptions(
        DEFAULT_SEED,
        events,
        DEFAULT_EVENTS_PER_SECOND,
        start,
        DEFAULT_FAULT_RATE,
        DEFAULT_DUPLICATE_RATE,
        DEFAULT_BID_SHARE);
  }

  /**
   * The defaults for a duration of traffic at a rate: {@code duration × eventsPerSecond} events.
   */
  public static StreamGeneratorOptions forDuration(
      Duration duration, int eventsPerSecond, Instant start) {
    requireNonNull(duration, "duration is null");
    return defaults(duration.toMillis() * eventsPerSecond / 1000, start)
        .withEventsPerSecond(eventsPerSecond);
  }

  public StreamGeneratorOptions withSeed(long newSeed) {
    return new StreamGeneratorOptions(
        newSeed, events, eventsPerSecond, start, faultRate, duplicateRate, bidShare);
  }

  public StreamGeneratorOptions withEventsPerSecond(int newEventsPerSecond) {
    return new StreamGeneratorOptions(
        seed, events, newEventsPerSecond, start, faultRate, duplicateRate, bidShare);
  }

  public StreamGeneratorOptions withRates(
      double newFaultRate, double newDuplicateRate, double newBidShare) {
    return new StreamGeneratorOptions(
        seed, events, eventsPerSecond, start, newFaultRate, newDuplicateRate, newBidShare);
  }

  private static void checkShare(List<String> problems, String name, double value) {
    if (!(value >= 0 && value <= 1)) {
      problems.add("%s is %s: give a share from 0 to 1".formatted(name, value));
    }
  }
}
