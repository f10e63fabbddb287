package dev.adlake.generator.truth;

import dev.adlake.core.ExternalFailureException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * Compares the serving store with the generator's true answers: impressions, clicks, conversions,
 * sessions and users of every ad and hour in {@code serving.metrics_hourly} against {@code
 * hourly_ad_metrics.csv}.
 */
public final class ServingTruthCheck {
  /** How many (hour, ad) rows agree, of those on either side, with a few that do not. */
  public record Comparison(long rows, long matching, List<String> mismatches) {
    public boolean exact() {
      return rows == matching;
    }
  }

  private static final String[] FIGURES = {
    "impressions", "clicks", "conversions", "sessions", "users"
  };

  private ServingTruthCheck() {}

  public static Comparison compare(DataSource dataSource, Path expectedFile) {
    Map<String, long[]> truth = readTruth(expectedFile);
    Map<String, long[]> served = served(dataSource);
    TreeSet<String> keys = new TreeSet<>(truth.keySet());
    keys.addAll(served.keySet());
    long matching = 0;
    List<String> mismatches = new ArrayList<>();
    for (String key : keys) {
      long[] expected = truth.getOrDefault(key, new long[FIGURES.length]);
      long[] actual = served.getOrDefault(key, new long[FIGURES.length]);
      if (Arrays.equals(expected, actual)) {
        matching++;
      } else if (mismatches.size() < 5) {
        mismatches.add(
            "%s: expected %s %s, served %s"
                .formatted(
                    key,
                    String.join("/", FIGURES),
                    Arrays.toString(expected),
                    Arrays.toString(actual)));
      }
    }
    return new Comparison(keys.size(), matching, mismatches);
  }

  /** "YYYY-MM-DDTHH ad N" to the five figures. */
  private static Map<String, long[]> readTruth(Path expectedFile) {
    Map<String, long[]> truth = new HashMap<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(expectedFile);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the true answers " + expectedFile, e);
    }
    for (String line : lines.subList(1, lines.size())) {
      String[] fields = line.split(",");
      long[] figures = new long[FIGURES.length];
      for (int i = 0; i < FIGURES.length; i++) {
        figures[i] = Long.parseLong(fields[4 + i]);
      }
      truth.put(fields[0].substring(0, 13) + " ad " + fields[1], figures);
    }
    return truth;
  }

  private static Map<String, long[]> served(DataSource dataSource) {
    Map<String, long[]> served = new HashMap<>();
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT to_char(hour AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24'), id, impressions,"
                    + " clicks, conversions, sessions, users FROM serving.metrics_hourly"
                    + " WHERE level = 'ad'")) {
      while (rows.next()) {
        long[] figures = new long[FIGURES.length];
        for (int i = 0; i < FIGURES.length; i++) {
          figures[i] = rows.getLong(3 + i);
        }
        served.put(rows.getString(1) + " ad " + rows.getInt(2), figures);
      }
    } catch (SQLException e) {
      throw new ExternalFailureException(
          "Cannot read the serving store's hourly metrics: " + e.getMessage(), e);
    }
    return served;
  }
}
