package dev.adlake.spark.ingestion.enrich;

import dev.adlake.core.InvalidInputException;
import dev.adlake.core.feed.TextFeedReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A geography read from a CSV of IP ranges, {@code start_ip,end_ip,country,region,city}: lines
 * starting with {@code #} are comments, the first other line is the header, each range is inclusive
 * and IPv4 and IPv6 ranges may be mixed. Ranges may not overlap or run backwards.
 *
 * <p>Lookups are a binary search over the sorted range starts, IPv4 as one unsigned number and IPv6
 * as two, without allocation beyond the answer. Immutable and thread-safe.
 */
final class IpRangeGeoLocator implements GeoLocator {
  /** The sample geography shipped in adlake-core, on documentation ranges. */
  static final String SHIPPED_RESOURCE = "/dev/adlake/geo/ip-ranges.csv";

  private static final String HEADER = "start_ip,end_ip,country,region,city";

  /** IPv4 ranges: starts and ends as unsigned 32-bit values, sorted by start. */
  private final long[] v4Starts;

  private final long[] v4Ends;
  private final Geo[] v4Places;

  /** IPv6 ranges: starts and ends as high and low 64 bits, compared unsigned, sorted by start. */
  private final long[] v6StartHigh;

  private final long[] v6StartLow;
  private final long[] v6EndHigh;
  private final long[] v6EndLow;
  private final Geo[] v6Places;

  private IpRangeGeoLocator(List<Range> v4, List<Range> v6) {
    v4Starts = new long[v4.size()];
    v4Ends = new long[v4.size()];
    v4Places = new Geo[v4.size()];
    for (int i = 0; i < v4.size(); i++) {
      Range range = v4.get(i);
      v4Starts[i] = range.startLow();
      v4Ends[i] = range.endLow();
      v4Places[i] = range.place();
    }
    v6StartHigh = new long[v6.size()];
    v6StartLow = new long[v6.size()];
    v6EndHigh = new long[v6.size()];
    v6EndLow = new long[v6.size()];
    v6Places = new Geo[v6.size()];
    for (int i = 0; i < v6.size(); i++) {
      Range range = v6.get(i);
      v6StartHigh[i] = range.startHigh();
      v6StartLow[i] = range.startLow();
      v6EndHigh[i] = range.endHigh();
      v6EndLow[i] = range.endLow();
      v6Places[i] = range.place();
    }
  }

  /** One line of the file; IPv4 ranges use only the low half. */
  private record Range(
      int line, long startHigh, long startLow, long endHigh, long endLow, Geo place) {
    int compareStartTo(Range other) {
      return compare(startHigh, startLow, other.startHigh, other.startLow);
    }

    boolean startsAfterEndOf(Range other) {
      return compare(startHigh, startLow, other.endHigh, other.endLow) > 0;
    }
  }

  /** The sample geography shipped with adlake. */
  static IpRangeGeoLocator shipped() {
    InputStream stream = IpRangeGeoLocator.class.getResourceAsStream(SHIPPED_RESOURCE);
    if (stream == null) {
      throw new IllegalStateException("The classpath has no " + SHIPPED_RESOURCE);
    }
    try (Reader reader = new InputStreamReader(stream, StandardCharsets.UTF_8)) {
      return read("classpath:" + SHIPPED_RESOURCE, reader);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + SHIPPED_RESOURCE, e);
    }
  }

  /**
   * The geography in a CSV file.
   *
   * @throws InvalidInputException when the file cannot be read or breaks the layout
   */
  static IpRangeGeoLocator read(Path file) {
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(file.toString(), reader);
    } catch (IOException e) {
      throw new InvalidInputException("Cannot read the IP-range file " + file + ": " + e, e);
    }
  }

  /**
   * The geography in CSV text.
   *
   * @param source the file name, named in errors
   * @throws InvalidInputException naming the source and line of the first broken rule
   */
  static IpRangeGeoLocator read(String source, Reader reader) throws IOException {
    BufferedReader lines = new BufferedReader(reader);
    List<Range> v4 = new ArrayList<>();
    List<Range> v6 = new ArrayList<>();
    Map<Geo, Geo> places = new HashMap<>();
    boolean headerSeen = false;
    int number = 0;
    String line;
    while ((line = lines.readLine()) != null) {
      number++;
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      if (!headerSeen) {
        headerSeen = true;
        if (!trimmed.replace(" ", "").equalsIgnoreCase(HEADER)) {
          throw broken(source, number, "the header must be '" + HEADER + "', found '" + line + "'");
        }
        continue;
      }
      List<String> fields = TextFeedReader.split(trimmed, ',').stream().map(String::strip).toList();
      if (fields.size() != 5) {
        throw broken(source, number, "expected 5 fields, found " + fields.size());
      }
      InetAddress start = address(source, number, fields.get(0));
      InetAddress end = address(source, number, fields.get(1));
      if ((start instanceof Inet4Address) != (end instanceof Inet4Address)) {
        throw broken(
            source,
            number,
            "the range %s to %s mixes IPv4 and IPv6".formatted(fields.get(0), fields.get(1)));
      }
      Geo place = new Geo(orNull(fields.get(2)), orNull(fields.get(3)), orNull(fields.get(4)));
      place = places.computeIfAbsent(place, same -> same);
      byte[] startBytes = start.getAddress();
      byte[] endBytes = end.getAddress();
      Range range =
          new Range(
              number, high(startBytes), low(startBytes), high(endBytes), low(endBytes), place);
      if (compare(range.startHigh(), range.startLow(), range.endHigh(), range.endLow()) > 0) {
        throw broken(
            source,
            number,
            "the range %s to %s is reversed: its start is after its end"
                .formatted(fields.get(0), fields.get(1)));
      }
      (start instanceof Inet4Address ? v4 : v6).add(range);
    }
    if (!headerSeen) {
      throw broken(source, number, "the file has no header '" + HEADER + "'");
    }
    checkNoOverlap(source, v4);
    checkNoOverlap(source, v6);
    return new IpRangeGeoLocator(v4, v6);
  }

  private static void checkNoOverlap(String source, List<Range> ranges) {
    ranges.sort(Range::compareStartTo);
    for (int i = 1; i < ranges.size(); i++) {
      Range previous = ranges.get(i - 1);
      Range range = ranges.get(i);
      if (!range.startsAfterEndOf(previous)) {
        int first = Math.min(previous.line(), range.line());
        int second = Math.max(previous.line(), range.line());
        throw broken(source, second, "the range overlaps the range on line " + first);
      }
    }
  }

  @Override
  public Optional<Geo> locate(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (bytes.length == 4) {
      return Optional.ofNullable(locateV4(low(bytes)));
    }
    return Optional.ofNullable(locateV6(high(bytes), low(bytes)));
  }

  private Geo locateV4(long value) {
    int low = 0;
    int high = v4Starts.length - 1;
    int found = -1;
    while (low <= high) {
      int middle = (low + high) >>> 1;
      if (v4Starts[middle] <= value) {
        found = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return found >= 0 && value <= v4Ends[found] ? v4Places[found] : null;
  }

  private Geo locateV6(long valueHigh, long valueLow) {
    int low = 0;
    int high = v6StartHigh.length - 1;
    int found = -1;
    while (low <= high) {
      int middle = (low + high) >>> 1;
      if (compare(v6StartHigh[middle], v6StartLow[middle], valueHigh, valueLow) <= 0) {
        found = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return found >= 0 && compare(valueHigh, valueLow, v6EndHigh[found], v6EndLow[found]) <= 0
        ? v6Places[found]
        : null;
  }

  /** Compares two 128-bit unsigned values given as high and low halves. */
  private static int compare(long aHigh, long aLow, long bHigh, long bLow) {
    int high = Long.compareUnsigned(aHigh, bHigh);
    return high != 0 ? high : Long.compareUnsigned(aLow, bLow);
  }

  /** Nothing to release: the ranges are on the heap. */
  @Override
  public void close() {}

  /** The number of ranges, IPv4 and IPv6. */
  int size() {
    return v4Starts.length + v6StartHigh.length;
  }

  /** The high 64 bits of an IPv6 address; 0 for IPv4. */
  private static long high(byte[] bytes) {
    return bytes.length == 4 ? 0 : bigEndian(bytes, 0, 8);
  }

  /** The low 64 bits of an IPv6 address, or an IPv4 address as an unsigned number. */
  private static long low(byte[] bytes) {
    return bytes.length == 4 ? bigEndian(bytes, 0, 4) : bigEndian(bytes, 8, 8);
  }

  private static long bigEndian(byte[] bytes, int from, int count) {
    long value = 0;
    for (int i = from; i < from + count; i++) {
      value = (value << 8) | (bytes[i] & 0xff);
    }
    return value;
  }

  private static InetAddress address(String source, int line, String text) {
    try {
      return IpAddresses.parse("ip", text);
    } catch (EnrichmentException e) {
      throw broken(source, line, "'" + text + "' is not an IPv4 or IPv6 address");
    }
  }

  private static String orNull(String field) {
    return field.isEmpty() ? null : field;
  }

  private static InvalidInputException broken(String source, int line, String problem) {
    return new InvalidInputException(
        "Cannot read the IP-range file %s: line %d: %s".formatted(source, line, problem));
  }
}
