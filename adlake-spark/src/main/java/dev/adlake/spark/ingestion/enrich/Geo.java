package dev.adlake.spark.ingestion.enrich;

import java.io.Serializable;

/**
 * Where an IP address is: a country (ISO 3166-1 alpha-2 code), its first-level region and a city,
 * each null when the source does not know it.
 *
 * @param country ISO country code such as {@code GB}
 * @param region first-level subdivision name such as {@code England}
 * @param city city name such as {@code London}
 */
public record Geo(String country, String region, String city) implements Serializable {}
