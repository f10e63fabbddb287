package dev.adlake.spark.ingestion.enrich;

import com.google.common.net.InetAddresses;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Parses IP address literals and truncates addresses for storage. Never resolves a host name: only
 * IPv4 dotted quads and IPv6 literals are accepted. Thread-safe and stateless.
 */
public final class IpAddresses {
  /** Bytes of an IPv6 address kept by {@link #anonymize}: 48 bits, a site's routing prefix. */
  static final int IPV6_KEPT_BYTES = 6;

  private IpAddresses() {}

  /**
   * The address written as {@code text}, an IPv4 or IPv6 literal; never looked up in DNS.
   *
   * @param field the event field the text comes from, named in the error
   * @throws EnrichmentException when the text is null or not an IP literal
   */
  public static InetAddress parse(String field, String text) {
    if (text != null) {
      try {
        return InetAddresses.forString(text.strip());
      } catch (IllegalArgumentException e) {
        // not a literal: reported below with the field
      }
    }
    throw new EnrichmentException(field, text, "is not an IPv4 or IPv6 address");
  }

  /**
   * The address truncated so that it no longer names one host: an IPv4 address with its last octet
   * zeroed ({@code 81.2.69.142} gives {@code 81.2.69.0}), an IPv6 address with its first 48 bits
   * kept and the other 80 zeroed ({@code 2001:db8:1234:5678::1} gives {@code 2001:db8:1234::}),
   * written in canonical form (RFC 5952 for IPv6).
   */
  public static String anonymize(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (address instanceof Inet4Address) {
      return new StringBuilder(15)
          .append(bytes[0] & 0xff)
          .append('.')
          .append(bytes[1] & 0xff)
          .append('.')
          .append(bytes[2] & 0xff)
          .append(".0")
          .toString();
    }
    for (int i = IPV6_KEPT_BYTES; i < bytes.length; i++) {
      bytes[i] = 0;
    }
    try {
      return InetAddresses.toAddrString(InetAddress.getByAddress(bytes));
    } catch (UnknownHostException e) {
      throw new IllegalStateException("A 16-byte address is always valid", e);
    }
  }
}
