package dev.adlake.spark.ingestion.enrich;

import com.google.common.net.InternetDomainName;
import java.io.ByteArrayOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The parts of a page URL that reports group by: host, registrable domain, path and the five UTM
 * campaign parameters.
 *
 * @param host the host in lower case, without port or user info; an IPv6 host keeps its brackets
 * @param registrableDomain the host's domain one label below its public suffix ({@code
 *     example.co.uk} for {@code m.shop.example.co.uk}); null for an IP host, a host that is itself
 *     a public suffix and a host under no known suffix
 * @param path the path as written, not decoded; {@code /} when the URL has none
 * @param utmSource {@code utm_source}, percent-decoded; null when absent or empty
 * @param utmMedium {@code utm_medium}, likewise
 * @param utmCampaign {@code utm_campaign}, likewise
 * @param utmTerm {@code utm_term}, likewise
 * @param utmContent {@code utm_content}, likewise
 */
public record UrlParts(
    String host,
    String registrableDomain,
    String path,
    String utmSource,
    String utmMedium,
    String utmCampaign,
    String utmTerm,
    String utmContent)
    implements Serializable {
  static final int DOMAIN_CACHE_SIZE = 50_000;

  /** Registrable domains by host; an empty string stands for none. */
  private static final BoundedCache<String, String> DOMAINS =
      new BoundedCache<>(DOMAIN_CACHE_SIZE, UrlParts::lookUpRegistrableDomain);

  /**
   * The parts of an absolute http or https URL with a host. Parsed leniently, the way browsers send
   * URLs: spaces, {@code |}, unencoded Unicode and malformed percent escapes in the path or query
   * do not make it fail. Thread-safe.
   *
   * @param field the event field the URL comes from, named in the error
   * @throws EnrichmentException when the URL is null, not http(s), or has no valid host
   */
  public static UrlParts parse(String field, String url) {
    if (url == null) {
      throw notAnUrl(field, null);
    }
    String text = url.strip();
    int schemeEnd = text.indexOf("://");
    boolean http =
        schemeEnd == 4 && text.regionMatches(true, 0, "http", 0, 4)
            || schemeEnd == 5 && text.regionMatches(true, 0, "https", 0, 5);
    if (!http) {
      throw notAnUrl(field, url);
    }
    int authorityStart = schemeEnd + 3;
    int authorityEnd = indexOfAny(text, authorityStart, "/?#");
    int hostStart = text.lastIndexOf('@', authorityEnd - 1) + 1;
    if (hostStart <= authorityStart) {
      hostStart = authorityStart;
    }
    String host = host(text, hostStart, authorityEnd);
    if (host == null) {
      throw new EnrichmentException(field, url, "has no valid host");
    }

    int queryStart = indexOfAny(text, authorityEnd, "?#");
    String path = queryStart == authorityEnd ? "/" : text.substring(authorityEnd, queryStart);
    String utmSource = null;
    String utmMedium = null;
    String utmCampaign = null;
    String utmTerm = null;
    String utmContent = null;
    if (queryStart < text.length() && text.charAt(queryStart) == '?') {
      int queryEnd = text.indexOf('#', queryStart);
      if (queryEnd < 0) {
        queryEnd = text.length();
      }
      int start = queryStart + 1;
      while (start < queryEnd) {
        int end = text.indexOf('&', start);
        if (end < 0 || end > queryEnd) {
          end = queryEnd;
        }
        if (end - start > 4 && text.regionMatches(true, start, "utm_", 0, 4)) {
          int equals = text.indexOf('=', start);
          if (equals > 0 && equals < end) {
            String name = text.substring(start + 4, equals).toLowerCase(Locale.ROOT);
            switch (name) {
              case "source" -> utmSource = first(utmSource, text, equals + 1, end);
              case "medium" -> utmMedium = first(utmMedium, text, equals + 1, end);
              case "campaign" -> utmCampaign = first(utmCampaign, text, equals + 1, end);
              case "term" -> utmTerm = first(utmTerm, text, equals + 1, end);
              case "content" -> utmContent = first(utmContent, text, equals + 1, end);
              default -> {
                // another utm_ parameter (utm_id, ...): not kept
              }
            }
          }
        }
        start = end + 1;
      }
    }
    String domain = DOMAINS.get(host);
    return new UrlParts(
        host,
        domain.isEmpty() ? null : domain,
        path,
        utmSource,
        utmMedium,
        utmCampaign,
        utmTerm,
        utmContent);
  }

  private static EnrichmentException notAnUrl(String field, String url) {
    return new EnrichmentException(field, url, "is not an absolute http(s) URL");
  }

  /** The host in lower case, or null when it is empty or holds characters no host may. */
  private static String host(String text, int start, int end) {
    if (start < end && text.charAt(start) == '[') {
      int close = text.indexOf(']', start);
      if (close < 0 || close >= end) {
        return null;
      }
      String literal = text.substring(start + 1, close);
      try {
        IpAddresses.parse("host", literal);
      } catch (EnrichmentException e) {
        return null;
      }
      return "[" + literal.toLowerCase(Locale.ROOT) + "]";
    }
    int colon = text.indexOf(':', start);
    int hostEnd = colon >= 0 && colon < end ? colon : end;
    if (hostEnd < end && !isPort(text, hostEnd + 1, end)) {
      return null;
    }
    if (hostEnd > start && text.charAt(hostEnd - 1) == '.') {
      hostEnd--; // the root label: "example.com." is example.com
    }
    if (hostEnd <= start) {
      return null;
    }
    boolean lowerCase = true;
    for (int i = start; i < hostEnd; i++) {
      char c = text.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        lowerCase = false;
      } else if (!(c >= 'a' && c <= 'z'
          || c >= '0' && c <= '9'
          || c == '-'
          || c == '.'
          || c == '_'
          || c > 0x7f && !Character.isWhitespace(c) && !Character.isISOControl(c))) {
        return null;
      }
    }
    String host = text.substring(start, hostEnd);
    return lowerCase ? host : host.toLowerCase(Locale.ROOT);
  }

  private static boolean isPort(String text, int start, int end) {
    if (end - start > 5) {
      return false;
    }
    for (int i = start; i < end; i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static String lookUpRegistrableDomain(String host) {
    if (host.startsWith("[") || isDottedQuad(host)) {
      return "";
    }
    try {
      InternetDomainName name = InternetDomainName.from(host);
      return name.isUnderPublicSuffix() ? name.topPrivateDomain().toString() : "";
    } catch (IllegalArgumentException | IllegalStateException e) {
      return ""; // not a domain name Guava accepts (an empty label, too long, ...)
    }
  }

  private static boolean isDottedQuad(String host) {
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (c != '.' && (c < '0' || c > '9')) {
        return false;
      }
    }
    return true;
  }

  private static int indexOfAny(String text, int from, String characters) {
    for (int i = from; i < text.length(); i++) {
      if (characters.indexOf(text.charAt(i)) >= 0) {
        return i;
      }
    }
    return text.length();
  }

  /** The earlier value when one was already found, else the decoded value; empty is null. */
  private static String first(String earlier, String text, int start, int end) {
    if (earlier != null) {
      return earlier;
    }
    String value = decode(text, start, end).strip();
    return value.isEmpty() ? null : value;
  }

  /**
   * Decodes a form-encoded value ({@code +} is a space, {@code %XX} a UTF-8 byte); a malformed
   * escape is kept as written, and invalid UTF-8 becomes U+FFFD, rather than failing.
   */
  static String decode(String text, int start, int end) {
    boolean plain = true;
    for (int i = start; i < end; i++) {
      char c = text.charAt(i);
      if (c == '%' || c == '+') {
        plain = false;
        break;
      }
    }
    if (plain) {
      return text.substring(start, end);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(end - start);
    StringBuilder decoded = new StringBuilder(end - start);
    for (int i = start; i < end; i++) {
      char c = text.charAt(i);
      int high;
      int low;
      if (c == '%'
          && i + 2 < end
          && (high = Character.digit(text.charAt(i + 1), 16)) >= 0
          && (low = Character.digit(text.charAt(i + 2), 16)) >= 0) {
        bytes.write(high << 4 | low);
        i += 2;
        continue;
      }
      if (bytes.size() > 0) {
        decoded.append(bytes.toString(StandardCharsets.UTF_8));
        bytes.reset();
      }
      decoded.append(c == '+' ? ' ' : c);
    }
    if (bytes.size() > 0) {
      decoded.append(bytes.toString(StandardCharsets.UTF_8));
    }
    return decoded.toString();
  }
}
