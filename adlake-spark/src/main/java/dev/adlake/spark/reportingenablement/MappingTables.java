package dev.adlake.spark.reportingenablement;

import dev.adlake.core.InvalidInputException;
import dev.adlake.core.identity.MappingEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The names of the published mapping: a PostgreSQL table {@code map_<partner>_<region>} per partner
 * and region, and a catalog view {@code mapping_<region>} per region, with {@code -} of a name
 * written {@code _}.
 *
 * <p>PostgreSQL cuts identifiers at 63 bytes, and a table's primary key index takes its name and
 * {@code _pkey}; so a table name longer than {@value #MAX_TABLE_NAME} characters keeps its first 49
 * and ends with {@code _} and 8 hex digits of the SHA-256 of the whole name.
 */
final class MappingTables {
  /** Longest table name, so that {@code <name>_pkey} fits PostgreSQL's 63 bytes. */
  static final int MAX_TABLE_NAME = 58;

  /** The prefix of every published table; tables of the schema with it are the publisher's. */
  static final String TABLE_PREFIX = "map_";

  /** The prefix of every published view. */
  static final String VIEW_PREFIX = "mapping_";

  /** The index of the published tables, in the same schema. */
  static final String INDEX_TABLE = "mapping_tables";

  private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private MappingTables() {}

  /** One published table: a partner's ids in one region. */
  record Target(String partner, String region, String table) {}

  /** The table of a partner's ids in a region; both names must be valid mapping names. */
  static String tableName(String partner, String region) {
    String name = TABLE_PREFIX + identifierPart(partner) + "_" + identifierPart(region);
    if (name.length() <= MAX_TABLE_NAME) {
      return name;
    }
    return name.substring(0, MAX_TABLE_NAME - 9) + "_" + sha256Prefix(name);
  }

  /** The catalog view of a region's mapping. */
  static String viewName(String region) {
    return VIEW_PREFIX + identifierPart(region);
  }

  /**
   * The tables of these partner and region pairs, in their order.
   *
   * @throws InvalidInputException listing every name that is not a valid mapping name, every two
   *     pairs that would share a table, such as {@code (a-b, c)} and {@code (a_b, c)}, and every
   *     two regions that would share a view, such as {@code eu-west} and {@code eu_west}
   */
  static List<Target> targets(List<Map.Entry<String, String>> pairs) {
    List<String> problems = new ArrayList<>();
    Map<String, Map.Entry<String, String>> byTable = new LinkedHashMap<>();
    Map<String, String> byView = new LinkedHashMap<>();
    Set<String> clashing = new HashSet<>();
    List<Target> targets = new ArrayList<>();
    for (Map.Entry<String, String> pair : pairs) {
      String partner = pair.getKey();
      String region = pair.getValue();
      boolean valid = true;
      for (String[] name : new String[][] {{"partner", partner}, {"region", region}}) {
        if (name[1] == null || !MappingEvent.NAME.matcher(name[1]).matches()) {
          problems.add("%s '%s' is not %s".formatted(name[0], name[1], MappingEvent.NAME_RULE));
          valid = false;
        }
      }
      if (!valid) {
        continue;
      }
      String view = viewName(region);
      String regionBefore = byView.putIfAbsent(view, region);
      if (regionBefore != null && !regionBefore.equals(region) && clashing.add(region)) {
        problems.add(
            "region '%s' and region '%s' would both be view %s"
                .formatted(regionBefore, region, view));
      }
      String table = tableName(partner, region);
      Map.Entry<String, String> before = byTable.putIfAbsent(table, pair);
      if (before != null) {
        problems.add(
            "partner '%s' in region '%s' and partner '%s' in region '%s' would both be table %s"
                .formatted(before.getKey(), before.getValue(), partner, region, table));
        continue;
      }
      targets.add(new Target(partner, region, table));
    }
    if (!problems.isEmpty()) {
      throw new InvalidInputException("Cannot publish the mapping: " + String.join("; ", problems));
    }
    return targets;
  }

  /** Checks a PostgreSQL schema name: lower case, digits and {@code _}, not quoted. */
  static String requireSchema(String schema) {
    if (schema == null || !SCHEMA.matcher(schema).matches()) {
      throw new InvalidInputException(
          "Serving schema '%s' must be lower-case letters, digits and '_', starting with a letter or '_'"
              .formatted(schema));
    }
    return schema;
  }

  /** A PostgreSQL identifier, quoted. */
  static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  private static String identifierPart(String name) {
    return name.replace('-', '_');
  }

  private static String sha256Prefix(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every JVM has SHA-256", e);
    }
  }
}
