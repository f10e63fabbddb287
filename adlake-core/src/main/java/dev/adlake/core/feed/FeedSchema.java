package dev.adlake.core.feed;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The typed columns of a feed, written in configuration as {@code "ad_id int not null, url string,
 * ..."}.
 */
public record FeedSchema(List<Column> columns) implements java.io.Serializable {
  public FeedSchema {
    columns = List.copyOf(columns);
  }

  /**
   * Parses {@code name type [not null], ...}.
   *
   * @throws IllegalArgumentException naming the column that does not parse
   */
  public static FeedSchema parse(String text) {
    List<Column> columns = new ArrayList<>();
    // Commas inside parentheses, as in decimal(12,2), do not separate columns.
    for (String part : text.split(",(?![^(]*\\))")) {
      String[] words = part.trim().split("\\s+");
      if (words.length < 2) {
        throw new IllegalArgumentException(
            "column '%s' needs a name and a type".formatted(part.trim()));
      }
      String name = words[0].toLowerCase(Locale.ROOT);
      if (!name.matches("[a-z_][a-z0-9_]*")) {
        throw new IllegalArgumentException(
            "column name '%s' is not a plain identifier".formatted(words[0]));
      }
      ColumnType type = ColumnType.of(words[1].replaceAll("\\(.*", ""));
      int precision = 18;
      int scale = 4;
      java.util.regex.Matcher size =
          java.util.regex.Pattern.compile("\\((\\d+)\\s*,\\s*(\\d+)\\)").matcher(words[1]);
      if (size.find()) {
        precision = Integer.parseInt(size.group(1));
        scale = Integer.parseInt(size.group(2));
      }
      String rest = String.join(" ", java.util.Arrays.copyOfRange(words, 2, words.length));
      boolean required = rest.equalsIgnoreCase("not null");
      if (!rest.isEmpty() && !required) {
        throw new IllegalArgumentException(
            "column '%s': expected 'not null' after the type, found '%s'".formatted(name, rest));
      }
      columns.add(new Column(name, type, required, precision, scale));
    }
    return new FeedSchema(columns);
  }

  public int indexOf(String name) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  public List<String> names() {
    return columns.stream().map(Column::name).toList();
  }
}
