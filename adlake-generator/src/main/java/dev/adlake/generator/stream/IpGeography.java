package dev.adlake.generator.stream;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws client addresses the way the enricher will place them: most from the ranges of the shipped
 * sample geography (so each has a known country), the rest from public IPv4 space outside it.
 */
public final class IpGeography {
  static final String RESOURCE = "/dev/adlake/geo/ip-ranges.csv";

  /** Share of addresses drawn from the geography's ranges; the rest have no country. */
  static final double IN_RANGES_SHARE = 0.85;

  /** Among addresses in the ranges, the share drawn from IPv6 rows. */
  static final double IPV6_SHARE = 0.08;

  /** First octets of public unicast IPv4: no private, loopback, link-local or test networks. */
  private static final int[] PUBLIC_FIRST_OCTETS = publicFirstOctets();

  /** An address literal and the country its range maps to, null outside the geography. */
  public record Address(String literal, String country) {}

  /** One row of the CSV; bounds inclusive. */
  record Range(BigInteger start, BigInteger end, boolean ipv6, String country) {
    boolean contains(BigInteger address, boolean isIpv6) {
      return ipv6 == isIpv6 && start.compareTo(address) <= 0 && address.compareTo(end) <= 0;
    }
  }

  private final List<Range> ipv4;
  private final List<Range> ipv6;

  private IpGeography(List<Range> ipv4, List<Range> ipv6) {
    if (ipv4.isEmpty() || ipv6.isEmpty()) {
      throw new IllegalStateException(
          "The sample geography %s needs IPv4 and IPv6 ranges".formatted(RESOURCE));
    }
    this.ipv4 = List.copyOf(ipv4);
    this.ipv6 = List.copyOf(ipv6);
  }

  /** The sample geography shipped in adlake-core. */
  public static IpGeography sample() {
    try (InputStream in = IpGeography.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("Missing resource " + RESOURCE);
      }
      return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + RESOURCE, e);
    }
  }

  /** Reads {@code start_ip,end_ip,country,region,city} rows; {@code #} lines are comments. */
  static IpGeography parse(BufferedReader reader) throws IOException {
    List<Range> ipv4 = new ArrayList<>();
    List<Range> ipv6 = new ArrayList<>();
    boolean header = true;
    String line;
    int number = 0;
    while ((line = reader.readLine()) != null) {
      number++;
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      if (header) {
        header = false;
        continue;
      }
      String[] fields = line.split(",", -1);
      if (fields.length < 3) {
        throw new IllegalStateException(
            "Line %d of %s has %d fields, expected 5".formatted(number, RESOURCE, fields.length));
      }
      byte[] start = literalBytes(fields[0]);
      byte[] end = literalBytes(fields[1]);
      boolean isIpv6 = start.length == 16;
      Range range =
          new Range(new BigInteger(1, start), new BigInteger(1, end), isIpv6, fields[2].strip());
      (isIpv6 ? ipv6 : ipv4).add(range);
    }
    return new IpGeography(ipv4, ipv6);
  }

  /** Draws an address: in a range of the geography or, for the rest, outside every range. */
  public Address draw(SplittableRandom random) {
    if (random.nextDouble() < IN_RANGES_SHARE) {
      boolean isIpv6 = random.nextDouble() < IPV6_SHARE;
      List<Range> ranges = isIpv6 ? ipv6 : ipv4;
      Range range = ranges.get(random.nextInt(ranges.size()));
      BigInteger size = range.end().subtract(range.start()).add(BigInteger.ONE);
      BigInteger offset =
          new BigInteger(1, longsToBytes(random.nextLong(), random.nextLong())).mod(size);
      BigInteger address = range.start().add(offset);
      return new Address(
          isIpv6 ? formatIpv6(address) : formatIpv4(address.longValue()), range.country());
    }
    while (true) {
      int first = PUBLIC_FIRST_OCTETS[random.nextInt(PUBLIC_FIRST_OCTETS.length)];
      long address = (long) first << 24 | random.nextInt(1 << 24);
      if (countryOf(BigInteger.valueOf(address), false) == null) {
        return new Address(formatIpv4(address), null);
      }
    }
  }

  /** The country of an address, null when no range holds it. */
  String countryOf(BigInteger address, boolean isIpv6) {
    for (Range range : isIpv6 ? ipv6 : ipv4) {
      if (range.contains(address, isIpv6)) {
        return range.country();
      }
    }
    return null;
  }

  static String formatIpv4(long address) {
    return ((address >>> 24) & 0xFF)
        + "."
        + ((address >>> 16) & 0xFF)
        + "."
        + ((address >>> 8) & 0xFF)
        + "."
        + (address & 0xFF);
  }

  /** The canonical compressed form (RFC 5952): lowercase, the longest zero run as "::". */
  static String formatIpv6(BigInteger address) {
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = address.shiftRight(16 * (7 - i)).intValue() & 0xFFFF;
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    StringBuilder text = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        text.append("::");
        i += bestLength - 1;
        continue;
      }
      if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
        text.append(':');
      }
      text.append(Integer.toHexString(groups[i]));
    }
    return text.toString();
  }

  private static byte[] literalBytes(String literal) {
    String text = literal.strip();
    if (!text.matches("[0-9A-Fa-f:.]+")) {
      // InetAddress would resolve a host name; the geography holds literals only.
      throw new IllegalStateException("Not an IP literal in %s: %s".formatted(RESOURCE, text));
    }
    try {
      return InetAddress.getByName(text).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalStateException("Not an IP literal in %s: %s".formatted(RESOURCE, text), e);
    }
  }

  private static byte[] longsToBytes(long high, long low) {
    byte[] bytes = new byte[16];
    for (int i = 0; i < 8; i++) {
      bytes[i] = (byte) (high >>> (56 - 8 * i));
      bytes[8 + i] = (byte) (low >>> (56 - 8 * i));
    }
    return bytes;
  }

  private static int[] publicFirstOctets() {
    List<Integer> octets = new ArrayList<>();
    for (int first = 1; first <= 223; first++) {
      // 10/8 private, 100.64/10 shared, 127/8 loopback, 169.254/16 link-local, 172.16/12 and
      // 192.168/16 private, 198.18/15 benchmarking; 192, 198 and 203 hold the documentation
      // ranges the sample geography maps, excluded whole for simplicity.
      if (first != 10
          && first != 100
          && first != 127
          && first != 169
          && first != 172
          && first != 192
          && first != 198
          && first != 203) {
        octets.add(first);
      }
    }
    return octets.stream().mapToInt(Integer::intValue).toArray();
  }
}
