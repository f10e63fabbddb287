package dev.adlake.spark.ingestion.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class UrlPartsTest {
  @Test
  void splitsHostDomainPathAndUtmParameters() {
    UrlParts parts =
        UrlParts.parse(
            "page_url",
            "https://m.shop.example.co.uk/a/b?utm_source=news&utm_campaign=Black%20Friday");
    assertThat(parts)
        .isEqualTo(
            new UrlParts(
                "m.shop.example.co.uk",
                "example.co.uk",
                "/a/b",
                "news",
                null,
                "Black Friday",
                null,
                null));
  }

  @Test
  void readsEveryUtmParameterDecodedFirstOneWinning() {
    UrlParts parts =
        UrlParts.parse(
            "page_url",
            "HTTP://User:pw@WWW.Example.COM:8080?UTM_MEDIUM=cpc&utm_term=running+shoes"
                + "&utm_content=%E2%82%AC5%20off&utm_source=a&utm_source=b&utm_id=7#utm_campaign=x");
    assertThat(parts.host()).isEqualTo("www.example.com");
    assertThat(parts.registrableDomain()).isEqualTo("example.com");
    assertThat(parts.path()).isEqualTo("/");
    assertThat(parts.utmSource()).isEqualTo("a");
    assertThat(parts.utmMedium()).isEqualTo("cpc");
    assertThat(parts.utmTerm()).isEqualTo("running shoes");
    assertThat(parts.utmContent()).isEqualTo("€5 off");
    assertThat(parts.utmCampaign()).isNull();
  }

  @Test
  void toleratesTheUrlsBrowsersReallySend() {
    UrlParts spaced =
        UrlParts.parse(
            "page_url", "https://shop.example.com/söme path/?q=a b|c&utm_source=mail|news&utm_x");
    assertThat(spaced.host()).isEqualTo("shop.example.com");
    assertThat(spaced.path()).isEqualTo("/söme path/");
    assertThat(spaced.utmSource()).isEqualTo("mail|news");

    UrlParts malformed =
        UrlParts.parse("page_url", "https://example.org/x?utm_source=100%&utm_medium=%zz%41");
    assertThat(malformed.utmSource()).isEqualTo("100%");
    assertThat(malformed.utmMedium()).isEqualTo("%zzA");

    assertThat(UrlParts.parse("page_url", "https://bücher.example.de/").registrableDomain())
        .isEqualTo("example.de");
    assertThat(UrlParts.parse("page_url", "https://example.com./a").host())
        .isEqualTo("example.com");
  }

  @Test
  void ipHostsAndPublicSuffixesHaveNoRegistrableDomain() {
    assertThat(UrlParts.parse("page_url", "http://192.0.2.10:8080/x"))
        .extracting(UrlParts::host, UrlParts::registrableDomain)
        .containsExactly("192.0.2.10", null);
    assertThat(UrlParts.parse("page_url", "http://[2001:DB8::1]/x"))
        .extracting(UrlParts::host, UrlParts::registrableDomain)
        .containsExactly("[2001:db8::1]", null);
    assertThat(UrlParts.parse("page_url", "https://co.uk/").registrableDomain()).isNull();
    assertThat(UrlParts.parse("page_url", "https://github.io/").registrableDomain()).isNull();
    assertThat(UrlParts.parse("page_url", "https://someone.github.io/").registrableDomain())
        .isEqualTo("someone.github.io");
    assertThat(UrlParts.parse("page_url", "http://localhost/").registrableDomain()).isNull();
  }

  @Test
  void rejectsWhatIsNotAnAbsoluteHttpUrlNamingTheField() {
    assertThatThrownBy(() -> UrlParts.parse("page_url", "htp:/x"))
        .isInstanceOfSatisfying(
            EnrichmentException.class, e -> assertThat(e.field()).isEqualTo("page_url"))
        .hasMessage("page_url: 'htp:/x' is not an absolute http(s) URL");
    assertThatThrownBy(() -> UrlParts.parse("page_url", "ftp://example.com/"))
        .hasMessage("page_url: 'ftp://example.com/' is not an absolute http(s) URL");
    assertThatThrownBy(() -> UrlParts.parse("page_url", "/relative/path"))
        .hasMessage("page_url: '/relative/path' is not an absolute http(s) URL");
    assertThatThrownBy(() -> UrlParts.parse("page_url", null))
        .hasMessage("page_url: null is not an absolute http(s) URL");
    assertThatThrownBy(() -> UrlParts.parse("referrer", "https:///path"))
        .hasMessage("referrer: 'https:///path' has no valid host");
    assertThatThrownBy(() -> UrlParts.parse("referrer", "https://exa mple.com/"))
        .hasMessage("referrer: 'https://exa mple.com/' has no valid host");
    assertThatThrownBy(() -> UrlParts.parse("referrer", "https://example.com:http/"))
        .hasMessage("referrer: 'https://example.com:http/' has no valid host");
  }
}
