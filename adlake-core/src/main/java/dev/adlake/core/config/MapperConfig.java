package dev.adlake.core.config;

import dev.adlake.core.identity.MappingEvent;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The mapper service of {@code adlake serve}: the cookie-sync endpoint {@code /mapping/sync} and
 * the partners' bulk upload {@code /mapping/bulk}, which turn each mapping into an event on {@code
 * ingested-mapping}.
 *
 * @param enabled whether {@code adlake serve} serves the endpoints (and so needs Kafka)
 * @param region the region written on every mapping event
 * @param partners the partners whose calls and files are accepted
 * @param redirects per partner, the URL a sync call is redirected to, {@value #USER_ID} standing
 *     for our id; a partner without one gets the pixel
 * @param maxBulkMebibytes the largest bulk upload accepted, in MiB
 * @param syncPerSecond the cookie-sync calls one client (IP address) may make a second, on average
 */
public record MapperConfig(
    boolean enabled,
    String region,
    List<String> partners,
    Map<String, String> redirects,
    int maxBulkMebibytes,
    int syncPerSecond) {

  /** The placeholder of our user id in a redirect template. */
  public static final String USER_ID = "{user_id}";

  public static final ConfigKey<Boolean> ENABLED =
      ConfigKey.of(
          "mapper.enabled",
          ValueType.bool(),
          "true",
          "Serve the cookie-sync endpoints /mapping/sync and /mapping/bulk with 'adlake serve';"
              + " they send to the Kafka topic ingested-mapping");
  public static final ConfigKey<String> REGION =
      ConfigKey.of(
          "mapper.region",
          name(),
          "eu",
          "Region written on every mapping event, so the identity graph keeps regions apart");
  public static final ConfigKey<List<String>> PARTNERS =
      ConfigKey.of(
          "mapper.partners",
          names(),
          "sharethis,33across",
          "Partners whose cookie-sync calls and bulk files are accepted; any other gets a 400");
  public static final ConfigKey<Map<String, String>> REDIRECTS =
      ConfigKey.of(
          "mapper.redirects",
          redirectTemplates(),
          null,
          "Per partner, the URL a sync call is redirected to instead of answered with the pixel,"
              + " {user_id} replaced by our id");
  public static final ConfigKey<Integer> MAX_BULK_MIB =
      ConfigKey.of(
          "mapper.max-bulk-mib",
          ValueType.integer(1, 1024),
          "16",
          "Largest partner file /mapping/bulk accepts, in MiB; a larger one gets a 413");

  public static final ConfigKey<Integer> SYNC_PER_SECOND =
      ConfigKey.of(
          "mapper.sync-per-second",
          ValueType.integer(1, 100_000),
          "20",
          "Cookie-sync calls one client (IP address) may make a second, bursts of twice that;"
              + " more get a 429");

  static List<ConfigKey<?>> keys() {
    return List.of(ENABLED, REGION, PARTNERS, REDIRECTS, MAX_BULK_MIB, SYNC_PER_SECOND);
  }

  static MapperConfig from(ConfigValues values) {
    return new MapperConfig(
        values.get(ENABLED),
        values.get(REGION),
        values.get(PARTNERS),
        values.find(REDIRECTS).orElse(Map.of()),
        values.get(MAX_BULK_MIB),
        values.get(SYNC_PER_SECOND));
  }

  public MapperConfig {
    partners = List.copyOf(partners);
    redirects = Collections.unmodifiableMap(new LinkedHashMap<>(redirects));
  }

  /** The largest bulk upload accepted, in bytes. */
  public long maxBulkBytes() {
    return maxBulkMebibytes * 1024L * 1024L;
  }

  /** Adds a problem for each redirect whose partner is not one of the accepted partners. */
  static void checkRedirectPartners(
      Map<String, ConfigValues.Resolved> resolved, List<ConfigProblem> problems) {
    ConfigValues.Resolved partners = resolved.get(PARTNERS.name());
    ConfigValues.Resolved redirects = resolved.get(REDIRECTS.name());
    if (partners == null || redirects == null) {
      return;
    }
    @SuppressWarnings("unchecked")
    List<String> accepted = (List<String>) partners.value();
    @SuppressWarnings("unchecked")
    Map<String, String> templates = (Map<String, String>) redirects.value();
    for (String partner : templates.keySet()) {
      if (!accepted.contains(partner)) {
        problems.add(
            new ConfigProblem(
                REDIRECTS.name(),
                redirects.text(),
                redirects.origin(),
                "names partner '%s', which is not in %s (%s)"
                    .formatted(partner, PARTNERS.name(), String.join(",", accepted))));
      }
    }
  }

  /** A region name as {@link MappingEvent#NAME} allows. */
  private static ValueType<String> name() {
    return ValueType.matching(MappingEvent.NAME, MappingEvent.NAME_RULE);
  }

  /** A comma-separated list of partner names, never our own ({@link MappingEvent#OUR_PARTNER}). */
  private static ValueType<List<String>> names() {
    return ValueType.listOf(
        partner(), "a comma-separated list of partner names, each " + MappingEvent.NAME_RULE);
  }

  /**
   * {@code partner=URL,...}: each URL absolute http or https and holding {@value #USER_ID}; a comma
   * inside a URL is written %2C.
   */
  private static ValueType<Map<String, String>> redirectTemplates() {
    return ValueType.listOf(
            redirect(),
            "a comma-separated list of partner=URL, each URL http(s) and holding " + USER_ID)
        .map(MapperConfig::byPartner);
  }

  /** A partner name: one {@link MappingEvent#NAME} allows, other than our own. */
  private static ValueType<String> partner() {
    ValueType<String> name = ValueType.matching(MappingEvent.NAME, "a partner name");
    return name.map(
        partner -> {
          if (partner.equals(MappingEvent.OUR_PARTNER)) {
            throw new IllegalArgumentException(
                "'" + partner + "' is the name of our own ids, not a partner");
          }
          return partner;
        });
  }

  /** One {@code partner=URL} of {@link #REDIRECTS}. */
  private static ValueType<Map.Entry<String, String>> redirect() {
    ValueType<String> partner = partner();
    return new ValueType<>() {
      @Override
      public String rule() {
        return "partner=URL";
      }

      @Override
      public Map.Entry<String, String> parse(String entry) {
        int equals = entry.indexOf('=');
        if (equals < 1) {
          throw new IllegalArgumentException("'" + entry + "' is not partner=URL");
        }
        String name = entry.substring(0, equals).trim();
        String template = entry.substring(equals + 1).trim();
        try {
          partner.parse(name);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              e.getMessage() != null ? e.getMessage() : "'" + name + "' is not a partner name");
        }
        checkTemplate(name, template);
        return Map.entry(name, template);
      }
    };
  }

  private static Map<String, String> byPartner(List<Map.Entry<String, String>> redirects) {
    Map<String, String> templates = new LinkedHashMap<>();
    for (Map.Entry<String, String> redirect : redirects) {
      if (templates.put(redirect.getKey(), redirect.getValue()) != null) {
        throw new IllegalArgumentException("partner '" + redirect.getKey() + "' is given twice");
      }
    }
    return Collections.unmodifiableMap(templates);
  }

  private static void checkTemplate(String partner, String template) {
    if (!template.contains(USER_ID)) {
      throw new IllegalArgumentException(
          "the URL of '%s' holds no %s: '%s'".formatted(partner, USER_ID, template));
    }
    URI uri;
    try {
      uri = new URI(template.replace(USER_ID, "x"));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "the URL of '%s' is not a URI: %s".formatted(partner, e.getMessage()));
    }
    List<String> problems = new ArrayList<>();
    if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
      problems.add("its scheme is not http or https");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      problems.add("it has no host");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "the URL of '%s' is not usable: %s: '%s'"
              .formatted(partner, String.join(", ", problems), template));
    }
  }
}
