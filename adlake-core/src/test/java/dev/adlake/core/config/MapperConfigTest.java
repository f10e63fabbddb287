package dev.adlake.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MapperConfigTest {
  @TempDir Path directory;

  private AdlakeConfig load(Map<String, String> overrides) {
    return ConfigLoader.load(
        new ConfigLoader.Request(
            Optional.empty(), Optional.empty(), Map.of(), overrides, directory));
  }

  @Test
  void defaultsServeTwoPartnersInEuWithThePixel() {
    MapperConfig mapper = load(Map.of()).mapper();
    assertThat(mapper.enabled()).isTrue();
    assertThat(mapper.region()).isEqualTo("eu");
    assertThat(mapper.partners()).containsExactly("sharethis", "33across");
    assertThat(mapper.redirects()).isEmpty();
    assertThat(mapper.maxBulkBytes()).isEqualTo(16L * 1024 * 1024);
  }

  @Test
  void redirectsAreReadFromAYamlListOrOneLine() throws IOException {
    Files.writeString(
        directory.resolve("adlake.yaml"),
        """
        mapper:
          region: us-east
          partners: [sharethis, 33across, lotame]
          redirects:
            - sharethis=https://sync.sharethis.example/match?p=adlake&uid={user_id}
            - lotame=https://bcp.lotame.example/sync?id={user_id}&x=1
        """);
    MapperConfig mapper = load(Map.of()).mapper();
    assertThat(mapper.region()).isEqualTo("us-east");
    assertThat(mapper.partners()).containsExactly("sharethis", "33across", "lotame");
    assertThat(mapper.redirects())
        .containsExactly(
            Map.entry("sharethis", "https://sync.sharethis.example/match?p=adlake&uid={user_id}"),
            Map.entry("lotame", "https://bcp.lotame.example/sync?id={user_id}&x=1"));
  }

  @Test
  void everyProblemIsReportedWithItsKeyAndValue() {
    assertThatThrownBy(
            () ->
                load(
                    Map.of(
                        "mapper.region", "EU West",
                        "mapper.partners", "sharethis,adlake",
                        "mapper.redirects", "sharethis=https://example.com/sync",
                        "mapper.max-bulk-mib", "0")))
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class,
            e -> {
              assertThat(e.problems())
                  .extracting(ConfigProblem::key)
                  .containsExactlyInAnyOrder(
                      "mapper.region",
                      "mapper.partners",
                      "mapper.redirects",
                      "mapper.max-bulk-mib");
              assertThat(e.getMessage())
                  .contains("mapper.region = 'EU West' (--set): must be 1 to 40 lower-case")
                  .contains("'adlake' is the name of our own ids, not a partner")
                  .contains(
                      "mapper.redirects = 'sharethis=https://example.com/sync' (--set): must be"
                          + " a comma-separated list of partner=URL")
                  .contains("the URL of 'sharethis' holds no {user_id}");
            });
  }

  @Test
  void aRedirectNeedsAnAcceptedPartnerAndAnHttpUrl() {
    assertThatThrownBy(
            () -> load(Map.of("mapper.redirects", "lotame=https://lotame.example/s?u={user_id}")))
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class,
            e ->
                assertThat(e.problems())
                    .extracting(ConfigProblem::toString)
                    .containsExactly(
                        "mapper.redirects = 'lotame=https://lotame.example/s?u={user_id}'"
                            + " (--set): names partner 'lotame', which is not in mapper.partners"
                            + " (sharethis,33across)"));
    assertThatThrownBy(
            () -> load(Map.of("mapper.redirects", "sharethis=javascript:alert({user_id})")))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("its scheme is not http or https, it has no host");
    assertThatThrownBy(
            () ->
                load(
                    Map.of(
                        "mapper.redirects",
                        "sharethis=https://a.example/{user_id},sharethis=https://b.example/{user_id}",
                        "mapper.partners",
                        "sharethis,Lotame")))
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class,
            e ->
                assertThat(e.getMessage())
                    .contains("(partner 'sharethis' is given twice)")
                    .contains(
                        "mapper.partners = 'sharethis,Lotame' (--set): must be a comma-separated"
                            + " list of partner names, each 1 to 40 lower-case letters, digits,"
                            + " '_' or '-', starting with a letter or digit ('Lotame' is not a"
                            + " partner name)"));
  }
}
