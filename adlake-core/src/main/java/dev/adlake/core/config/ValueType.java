package dev.adlake.core.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The type and rule of a configuration value: turns its text into a typed value or says, in a
 * phrase that completes "must be ...", which rule the text breaks.
 */
public interface ValueType<T> {
  /** A phrase that completes "must be ...", such as "an integer from 1 to 200". */
  String rule();

  /**
   * Parses the text of a value.
   *
   * @throws IllegalArgumentException when the text breaks the rule; the message may add detail
   */
  T parse(String text);

  /**
   * Whether values of this type are secrets (passwords, keys), shown masked wherever the
   * configuration is printed: {@code adlake config}, problem reports, logs.
   */
  default boolean isSecret() {
    return false;
  }

  static ValueType<String> string() {
    return new ValueType<>() {
      @Override
      public String rule() {
        return "a non-empty string";
      }

      @Override
      public String parse(String text) {
        if (text.isBlank()) {
          throw new IllegalArgumentException();
        }
        return text;
      }
    };
  }

  /** A non-empty secret string, such as a password: never printed. */
  static ValueType<String> secret() {
    return secret(1);
  }

  /**
   * A secret string of at least {@code minimumBytes} bytes in UTF-8, such as a key: never printed.
   */
  static ValueType<String> secret(int minimumBytes) {
    return new ValueType<>() {
      @Override
      public String rule() {
        return minimumBytes <= 1
            ? "a non-empty string"
            : "a string of at least %d bytes".formatted(minimumBytes);
      }

      @Override
      public String parse(String text) {
        if (text.isBlank() || text.getBytes(StandardCharsets.UTF_8).length < minimumBytes) {
          throw new IllegalArgumentException();
        }
        return text;
      }

      @Override
      public boolean isSecret() {
        return true;
      }
    };
  }

  static ValueType<Integer> integer(int min, int max) {
    return new ValueType<>() {
      @Override
      public String rule() {
        return "an integer from %d to %d".formatted(min, max);
      }

      @Override
      public Integer parse(String text) {
        int value;
        try {
          value = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException();
        }
        if (value < min || value > max) {
          throw new IllegalArgumentException();
        }
        return value;
      }
    };
  }

  /** A decimal from 0 to 1, such as a share of rows. */
  static ValueType<Double> ratio() {
    return new ValueType<>() {
      @Override
      public String rule() {
        return "a decimal from 0 to 1";
      }

      @Override
      public Double parse(String text) {
        double value;
        try {
          value = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException();
        }
        if (!(value >= 0 && value <= 1)) {
          throw new IllegalArgumentException();
        }
        return value;
      }
    };
  }

  /** A decimal number from {@code min} to {@code max}, such as a size in megabytes. */
  static ValueType<Double> decimal(double min, double max) {
    return new ValueType<>() {
      @Override
      public String rule() {
        return "a decimal from %s to %s".formatted(plain(min), plain(max));
      }

      @Override
      public Double parse(String text) {
        double value;
        try {
          value = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException();
        }
        if (!(value >= min && value <= max)) {
          throw new IllegalArgumentException();
        }
        return value;
      }

      private static String plain(double value) {
        return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
      }
    };
  }

  static ValueType<java.time.LocalDate> date() {
    return new ValueType<>() {
      @Override
      public String rule() {
        return "a date, YYYY-MM-DD";
      }

      @Override
      public java.time.LocalDate parse(String text) {
        try {
          return java.time.LocalDate.parse(text.trim());
        } catch (java.time.format.DateTimeParseException e) {
          throw new IllegalArgumentException();
        }
      }
    };
  }

  /**
   * A length of time: a number and a unit, {@code ms}, {@code s}, {@code m}, {@code h} or {@code d}
   * ({@code 500ms}, {@code 30s}, {@code 1.5h}), or ISO-8601 ({@code PT30S}); not negative.
   */
  static ValueType<java.time.Duration> duration() {
    Pattern simple = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)");
    return new ValueType<>() {
      @Override
      public String rule() {
        return "a duration such as 500ms, 30s, 5m, 2h or 1d";
      }

      @Override
      public java.time.Duration parse(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        java.util.regex.Matcher matcher = simple.matcher(value);
        if (matcher.matches()) {
          double amount = Double.parseDouble(matcher.group(1));
          long unitMillis =
              switch (matcher.group(2)) {
                case "ms" -> 1L;
                case "s" -> 1_000L;
                case "m" -> 60_000L;
                case "h" -> 3_600_000L;
                default -> 86_400_000L;
              };
          return java.time.Duration.ofMillis(Math.round(amount * unitMillis));
        }
        try {
          java.time.Duration parsed = java.time.Duration.parse(value.toUpperCase(Locale.ROOT));
          if (parsed.isNegative()) {
            throw new IllegalArgumentException();
          }
          return parsed;
        } catch (java.time.format.DateTimeParseException e) {
          throw new IllegalArgumentException();
        }
      }
    };
  }

  static ValueType<Boolean> bool() {
    return new ValueType<>() {
      @Override
      public String rule() {
        return "true or false";
      }

      @Override
      public Boolean parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
          case "true" -> true;
          case "false" -> false;
          default -> throw new IllegalArgumentException();
        };
      }
    };
  }

  /** An absolute URI with one of the given schemes; a plain absolute path is taken as file:. */
  static ValueType<URI> uri(String... schemes) {
    Set<String> allowed = Set.of(schemes);
    return new ValueType<>() {
      @Override
      public String rule() {
        return "an absolute URI with scheme " + String.join(" or ", Arrays.asList(schemes));
      }

      @Override
      public URI parse(String text) {
        String trimmed = text.trim();
        if (trimmed.startsWith("/") && allowed.contains("file")) {
          return Path.of(trimmed).toUri();
        }
        URI uri;
        try {
          uri = new URI(trimmed);
        } catch (URISyntaxException e) {
          throw new IllegalArgumentException(e.getMessage());
        }
        if (uri.getScheme() == null || !allowed.contains(uri.getScheme())) {
          throw new IllegalArgumentException();
        }
        if (uri.getScheme().equals("file") && (uri.getPath() == null || uri.getPath().isEmpty())) {
          throw new IllegalArgumentException("a file: URI needs an absolute path");
        }
        if (!uri.getScheme().equals("file") && (uri.getHost() == null || uri.getHost().isEmpty())) {
          throw new IllegalArgumentException("the host or bucket is missing");
        }
        return uri;
      }
    };
  }

  static ValueType<Path> path() {
    return new ValueType<>() {
      @Override
      public String rule() {
        return "a file system path";
      }

      @Override
      public Path parse(String text) {
        if (text.isBlank()) {
          throw new IllegalArgumentException();
        }
        try {
          return Path.of(text.trim()).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
          throw new IllegalArgumentException(e.getMessage());
        }
      }
    };
  }

  static ValueType<String> jdbcPostgresUrl() {
    return new ValueType<>() {
      @Override
      public String rule() {
        return "a PostgreSQL JDBC URL such as jdbc:postgresql://host:5432/database";
      }

      @Override
      public String parse(String text) {
        String trimmed = text.trim();
        if (!trimmed.startsWith("jdbc:postgresql:")) {
          throw new IllegalArgumentException();
        }
        return trimmed;
      }
    };
  }

  /** A comma-separated list of host:port pairs, as Kafka's bootstrap.servers. */
  static ValueType<List<String>> hostPorts() {
    Pattern hostPort = Pattern.compile("[A-Za-z0-9.\\-\\[\\]:]+:\\d{1,5}");
    return new ValueType<>() {
      @Override
      public String rule() {
        return "a comma-separated list of host:port";
      }

      @Override
      public List<String> parse(String text) {
        List<String> parts = Arrays.stream(text.split(",")).map(String::trim).toList();
        for (String part : parts) {
          if (!hostPort.matcher(part).matches()) {
            throw new IllegalArgumentException("'" + part + "' is not host:port");
          }
          int port = Integer.parseInt(part.substring(part.lastIndexOf(':') + 1));
          if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range");
          }
        }
        return parts;
      }
    };
  }

  /** A Kafka topic name. */
  static ValueType<String> topicName() {
    return matching(Pattern.compile("[A-Za-z0-9._-]{1,249}"), "a topic name");
  }

  /** A comma-separated list of Kafka topic names. */
  static ValueType<List<String>> topicNames() {
    return listOf(
        topicName(),
        "a comma-separated list of Kafka topic names (letters, digits, '.', '_', '-')");
  }

  /**
   * A text that matches the pattern once trimmed.
   *
   * @param rule what the pattern allows, completing "must be ..."
   */
  static ValueType<String> matching(Pattern pattern, String rule) {
    return new ValueType<>() {
      @Override
      public String rule() {
        return rule;
      }

      @Override
      public String parse(String text) {
        String value = text.trim();
        if (!pattern.matcher(value).matches()) {
          throw new IllegalArgumentException();
        }
        return value;
      }
    };
  }

  /**
   * A comma-separated list of values of the element type: each part trimmed, empty parts dropped, a
   * repeated value kept once. An empty list breaks the rule, and so does a part the element type
   * refuses, named in the message.
   *
   * @param rule the rule of the whole list, completing "must be ..."
   */
  static <T> ValueType<List<T>> listOf(ValueType<T> element, String rule) {
    return new ValueType<>() {
      @Override
      public String rule() {
        return rule;
      }

      @Override
      public List<T> parse(String text) {
        List<String> parts =
            Arrays.stream(text.split(",")).map(String::trim).filter(p -> !p.isEmpty()).toList();
        if (parts.isEmpty()) {
          throw new IllegalArgumentException();
        }
        List<T> values = new ArrayList<>(parts.size());
        for (String part : parts) {
          try {
            values.add(element.parse(part));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                e.getMessage() != null
                    ? e.getMessage()
                    : "'%s' is not %s".formatted(part, element.rule()));
          }
        }
        return values.stream().distinct().toList();
      }
    };
  }

  /**
   * This type with its parsed values converted, such as a list of pairs into a map; the converter
   * throws {@link IllegalArgumentException} for a value that breaks the rule, as {@link #parse}
   * does.
   */
  default <U> ValueType<U> map(Function<? super T, ? extends U> converter) {
    ValueType<T> type = this;
    return new ValueType<>() {
      @Override
      public String rule() {
        return type.rule();
      }

      @Override
      public U parse(String text) {
        return converter.apply(type.parse(text));
      }

      @Override
      public boolean isSecret() {
        return type.isSecret();
      }
    };
  }

  /** A Spark master URL: local, local[N], local[*], spark://, yarn, k8s://. */
  static ValueType<String> sparkMaster() {
    Pattern master = Pattern.compile("local(\\[(\\*|\\d+)(,\\d+)?])?|spark://.+|yarn|k8s://.+");
    return new ValueType<>() {
      @Override
      public String rule() {
        return "a Spark master: local[*], local[N], spark://host:port, yarn or k8s://...";
      }

      @Override
      public String parse(String text) {
        if (!master.matcher(text.trim()).matches()) {
          throw new IllegalArgumentException();
        }
        return text.trim();
      }
    };
  }

  static ValueType<String> oneOf(String... choices) {
    List<String> allowed = List.of(choices);
    return new ValueType<>() {
      @Override
      public String rule() {
        return "one of " + String.join(", ", allowed);
      }

      @Override
      public String parse(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        if (!allowed.contains(value)) {
          throw new IllegalArgumentException();
        }
        return value;
      }
    };
  }
}
