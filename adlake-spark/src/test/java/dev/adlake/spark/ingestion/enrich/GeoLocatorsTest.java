package dev.adlake.spark.ingestion.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adlake.core.InvalidInputException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeoLocatorsTest {
  @TempDir Path directory;

  private static InetAddress ip(String text) {
    return IpAddresses.parse("ip", text);
  }

  @Test
  void theShippedSampleMapsTheDocumentationRanges() {
    try (GeoLocator geo = GeoLocators.open(Optional.empty())) {
      assertThat(geo.locate(ip("192.0.2.0")))
          .contains(new Geo("US", "California", "San Francisco"));
      assertThat(geo.locate(ip("192.0.2.31")))
          .contains(new Geo("US", "California", "San Francisco"));
      assertThat(geo.locate(ip("192.0.2.32"))).contains(new Geo("US", "New York", "New York"));
      assertThat(geo.locate(ip("192.0.2.140"))).contains(new Geo("GB", "England", "London"));
      assertThat(geo.locate(ip("198.51.100.200")))
          .contains(new Geo("SE", "Stockholm", "Stockholm"));
      assertThat(geo.locate(ip("203.0.113.255"))).contains(new Geo("KR", "Seoul", "Seoul"));
      assertThat(geo.locate(ip("2001:db8::1")))
          .contains(new Geo("US", "California", "San Francisco"));
      assertThat(geo.locate(ip("2001:db8:4abc::1"))).contains(new Geo("GB", "England", "London"));
      assertThat(geo.locate(ip("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")))
          .contains(new Geo("JP", "Tokyo", "Tokyo"));
      assertThat(geo.locate(ip("192.0.1.255"))).isEmpty();
      assertThat(geo.locate(ip("203.0.114.0"))).isEmpty();
      assertThat(geo.locate(ip("8.8.8.8"))).isEmpty();
      assertThat(geo.locate(ip("2001:db9::"))).isEmpty();
      assertThat(geo.locate(ip("::1"))).isEmpty();
    }
  }

  @Test
  void aCsvOfOneselfMayQuoteFieldsAndLeavePartsEmpty() throws IOException {
    Path file =
        Files.writeString(
            directory.resolve("ranges.csv"),
            """
            # my ranges
            start_ip, end_ip, country, region, city
            10.0.0.0,10.0.0.255,US,"District of Columbia","Washington, D.C."
            10.0.2.0,10.0.2.255,FR,,
            """);
    try (GeoLocator geo = GeoLocators.open(Optional.of(file))) {
      assertThat(geo.locate(ip("10.0.0.9")))
          .contains(new Geo("US", "District of Columbia", "Washington, D.C."));
      assertThat(geo.locate(ip("10.0.1.9"))).isEmpty();
      assertThat(geo.locate(ip("10.0.2.9"))).contains(new Geo("FR", null, null));
    }
  }

  @Test
  void overlappingOrReversedRangesNameTheFileAndLine() throws IOException {
    Path overlapping =
        Files.writeString(
            directory.resolve("overlap.csv"),
            """
            start_ip,end_ip,country,region,city
            10.0.1.0,10.0.1.255,DE,Berlin,Berlin
            10.0.0.0,10.0.0.255,US,Texas,Austin
            10.0.0.128,10.0.1.0,US,Ohio,Columbus
            """);
    assertThatThrownBy(() -> GeoLocators.open(Optional.of(overlapping)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Cannot read the IP-range file %s: line 4: the range overlaps the range on line 3"
                .formatted(overlapping));

    Path reversed =
        Files.writeString(
            directory.resolve("reversed.csv"),
            "start_ip,end_ip,country,region,city\n2001:db8::ff,2001:db8::1,US,Texas,Austin\n");
    assertThatThrownBy(() -> GeoLocators.open(Optional.of(reversed)))
        .hasMessage(
            ("Cannot read the IP-range file %s: line 2: the range 2001:db8::ff to 2001:db8::1 is"
                    + " reversed: its start is after its end")
                .formatted(reversed));

    Path notAnIp =
        Files.writeString(
            directory.resolve("bad.csv"),
            "start_ip,end_ip,country,region,city\n10.0.0.0,ten,US,Texas,Austin\n");
    assertThatThrownBy(() -> GeoLocators.open(Optional.of(notAnIp)))
        .hasMessage(
            "Cannot read the IP-range file %s: line 2: 'ten' is not an IPv4 or IPv6 address"
                .formatted(notAnIp));
  }

  @Test
  void anythingButAnExistingMmdbOrCsvIsRefusedNamingThePath() throws IOException {
    Path text = Files.writeString(directory.resolve("geo.txt"), "nothing");
    assertThatThrownBy(() -> GeoLocators.open(Optional.of(text)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            ("Cannot use %s as a geography: enrich.geo-database must name a MaxMind .mmdb or an"
                    + " IP-range .csv file")
                .formatted(text));
    Path missing = directory.resolve("GeoLite2-City.mmdb");
    assertThatThrownBy(() -> GeoLocators.open(Optional.of(missing)))
        .hasMessage(
            "Cannot use %s as a geography: the file does not exist (enrich.geo-database)"
                .formatted(missing));
    Path notMaxMind = Files.writeString(directory.resolve("broken.mmdb"), "not a database");
    assertThatThrownBy(() -> GeoLocators.open(Optional.of(notMaxMind)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("Cannot open %s as a MaxMind database".formatted(notMaxMind));
  }

  @Test
  void aMaxMindCityDatabaseGivesCountryFirstSubdivisionAndCity() throws IOException {
    Path file = directory.resolve("GeoLite2-City-Test.mmdb");
    new TestingMmdbWriter("GeoLite2-City")
        .insert("81.2.69.0/24", city("GB", List.of("England", "Islington"), "London"))
        .insert("89.160.20.112/28", city("SE", List.of("Östergötland County"), "Linköping"))
        .insert("2001:db8:1::/48", city("JP", List.of("Tokyo"), "Tokyo"))
        .insert("198.51.100.0/24", Map.of("country", Map.of("iso_code", "FR")))
        .write(file);
    try (GeoLocator geo = GeoLocators.open(Optional.of(file))) {
      assertThat(geo.locate(ip("81.2.69.142"))).contains(new Geo("GB", "England", "London"));
      assertThat(geo.locate(ip("81.2.69.0"))).contains(new Geo("GB", "England", "London"));
      assertThat(geo.locate(ip("89.160.20.120")))
          .contains(new Geo("SE", "Östergötland County", "Linköping"));
      assertThat(geo.locate(ip("2001:db8:1:ffff::9"))).contains(new Geo("JP", "Tokyo", "Tokyo"));
      assertThat(geo.locate(ip("198.51.100.7"))).contains(new Geo("FR", null, null));
      assertThat(geo.locate(ip("81.2.70.1"))).isEmpty();
      assertThat(geo.locate(ip("89.160.20.128"))).isEmpty();
      assertThat(geo.locate(ip("2001:db8:2::1"))).isEmpty();
    }
  }

  @Test
  void aMaxMindDatabaseOfAnotherKindIsRefused() throws IOException {
    Path file = directory.resolve("GeoLite2-ASN.mmdb");
    new TestingMmdbWriter("GeoLite2-ASN")
        .insert("81.2.69.0/24", Map.of("autonomous_system_organization", "Example"))
        .write(file);
    assertThatThrownBy(() -> GeoLocators.open(Optional.of(file)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            ("%s is a MaxMind GeoLite2-ASN database; enrich.geo-database needs a City database"
                    + " (GeoLite2-City or GeoIP2-City)")
                .formatted(file));
  }

  private static Map<String, Object> city(String country, List<String> regions, String city) {
    return Map.of(
        "country", Map.of("iso_code", country, "names", Map.of("en", country)),
        "subdivisions",
            regions.stream().map(name -> (Object) Map.of("names", Map.of("en", name))).toList(),
        "city", Map.of("names", Map.of("en", city, "de", city + " (de)")));
  }
}
