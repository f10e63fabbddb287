package dev.adlake.spark.ingestion.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UserAgentsTest {
  @Test
  void anIphoneSafariIsAPhoneOnIos() {
    assertThat(
            UserAgents.parse(
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15"
                    + " (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"))
        .isEqualTo(new AgentFields("Phone", "iOS", "17.4", "Safari", "17.4", false));
  }

  @Test
  void aDesktopChromeIsNoRobot() {
    AgentFields fields =
        UserAgents.parse(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
                + " Chrome/124.0.0.0 Safari/537.36");
    assertThat(fields.deviceClass()).isEqualTo("Desktop");
    assertThat(fields.osName()).isEqualTo("Windows NT");
    assertThat(fields.browserName()).isEqualTo("Chrome");
    assertThat(fields.browserVersion()).startsWith("124");
    assertThat(fields.robot()).isFalse();
  }

  @Test
  void googlebotIsARobot() {
    AgentFields fields =
        UserAgents.parse(
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)");
    assertThat(fields.deviceClass()).isEqualTo("Robot");
    assertThat(fields.browserName()).isEqualTo("Googlebot");
    assertThat(fields.robot()).isTrue();

    AgentFields mobile =
        UserAgents.parse(
            "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML,"
                + " like Gecko) Chrome/124.0.6367.60 Mobile Safari/537.36 (compatible;"
                + " Googlebot/2.1; +http://www.google.com/bot.html)");
    assertThat(mobile.deviceClass()).isEqualTo("Robot Mobile");
    assertThat(mobile.robot()).isTrue();
  }

  @Test
  void anAbsentAgentIsUnknownAndNoRobot() {
    AgentFields unknown =
        new AgentFields("Unknown", "Unknown", "Unknown", "Unknown", "Unknown", false);
    assertThat(UserAgents.parse(null)).isEqualTo(unknown);
    assertThat(UserAgents.parse("  ")).isEqualTo(unknown);
  }

  @Test
  void repeatedAgentsComeFromTheCache() {
    String agent = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
    assertThat(UserAgents.parse(agent)).isSameAs(UserAgents.parse(agent));
  }
}
