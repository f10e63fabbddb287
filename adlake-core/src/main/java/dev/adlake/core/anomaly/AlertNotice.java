package dev.adlake.core.anomaly;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A new alert as it is sent out (to a webhook, by mail), whatever raised it: a data anomaly, a
 * stream check's finding.
 *
 * @param kind the alert's kind in {@code adlake.alerts}, such as {@code data_anomaly}
 * @param headline a few words for a mail's subject
 * @param line the alert in one line: what was expected and what was seen
 * @param text the alert for a reader: the line, its figures, and where to look further
 * @param fields the alert's figures by name, in order, for a machine (a webhook's JSON)
 */
public record AlertNotice(
    String kind, String headline, String line, String text, Map<String, Object> fields) {
  public AlertNotice {
    requireNonNull(kind, "kind is null");
    requireNonNull(headline, "headline is null");
    requireNonNull(line, "line is null");
    requireNonNull(text, "text is null");
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  /** Where every mail's text ends: where the alert stays. */
  public static final String WHERE_TO_LOOK =
      """
      The alert stays in 'adlake runs --alerts' and on the dashboard's runs page while it lasts;
      'adlake monitor' shows the platform's health. This mail is sent once, when the alert is raised.
      """;
}
