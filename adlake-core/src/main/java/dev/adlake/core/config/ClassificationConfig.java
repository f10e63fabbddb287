package dev.adlake.core.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The domain classification: the regions it classifies apart (each its own clusters and categories
 * tables, as the design's {@code domain_categories_<region>}) and the event sources whose page
 * views it reads.
 *
 * @param regions by name, the countries (ISO 3166 alpha-2) of each; an empty set is every country
 * @param sources the events table's sources of partner page views
 */
public record ClassificationConfig(Map<String, Set<String>> regions, List<String> sources) {
  /** A region's name: it ends table names. */
  public static final Pattern REGION = Pattern.compile("[a-z][a-z0-9_]{0,30}");

  private static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");

  public static final ConfigKey<Map<String, Set<String>>> REGIONS =
      ConfigKey.of(
          "classification.regions",
          regionList(),
          "global",
          "Regions classified apart, each name or name:CC+CC (its countries); a bare name takes"
              + " every country");
  public static final ConfigKey<List<String>> SOURCES =
      ConfigKey.of(
          "classification.sources",
          ValueType.listOf(
              ValueType.matching(Pattern.compile("[a-z0-9][a-z0-9_.-]*"), "a source name"),
              "a comma-separated list of event sources"),
          "st,tt",
          "Event sources whose page views the domain classification reads (partner feeds)");

  public ClassificationConfig {
    regions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(regions));
    sources = List.copyOf(sources);
  }

  static List<ConfigKey<?>> keys() {
    return List.of(REGIONS, SOURCES);
  }

  static ClassificationConfig from(ConfigValues values) {
    return new ClassificationConfig(values.get(REGIONS), values.get(SOURCES));
  }

  private static ValueType<Map<String, Set<String>>> regionList() {
    ValueType<Map.Entry<String, Set<String>>> region =
        new ValueType<>() {
          @Override
          public String rule() {
            return "name or name:CC+CC";
          }

          @Override
          public Map.Entry<String, Set<String>> parse(String text) {
            String[] parts = text.split(":", 2);
            if (!REGION.matcher(parts[0]).matches()) {
              throw new IllegalArgumentException(
                  "'%s' is not a region name (lower case letters, digits, _)".formatted(parts[0]));
            }
            Set<String> countries = new java.util.LinkedHashSet<>();
            if (parts.length == 2) {
              for (String country : parts[1].split("\\+")) {
                if (!COUNTRY.matcher(country).matches()) {
                  throw new IllegalArgumentException(
                      "'%s' of region %s is not a country code such as US"
                          .formatted(country, parts[0]));
                }
                countries.add(country);
              }
            }
            return Map.entry(parts[0], Set.copyOf(countries));
          }
        };
    return ValueType.listOf(region, "a comma-separated list of name or name:CC+CC")
        .map(
            entries -> {
              Map<String, Set<String>> byName = new LinkedHashMap<>();
              for (Map.Entry<String, Set<String>> entry : entries) {
                if (byName.put(entry.getKey(), entry.getValue()) != null) {
                  throw new IllegalArgumentException("region " + entry.getKey() + " is repeated");
                }
              }
              return byName;
            });
  }
}
