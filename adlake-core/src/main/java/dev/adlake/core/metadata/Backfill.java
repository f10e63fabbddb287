package dev.adlake.core.metadata;

import java.time.LocalDate;
import java.util.Map;

/** A recorded backfill: one job over a range of days. */
public record Backfill(
    long id,
    String jobName,
    LocalDate firstDay,
    LocalDate lastDay,
    boolean force,
    Map<String, String> parameters,
    RunStatus status) {}
