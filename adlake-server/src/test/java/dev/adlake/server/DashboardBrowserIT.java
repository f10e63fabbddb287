package dev.adlake.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in the system's headless Chromium: the numbers it shows equal the API's, before and
 * after changing its filters; its charts and table are drawn.
 */
class DashboardBrowserIT {
  static ServingFixture fixture;
  static ChromeDriver driver;
  static WebDriverWait wait;

  @BeforeAll
  static void start() throws IOException {
    fixture = ServingFixture.get();
    // The system's driver and browser: Selenium Manager has nothing to download.
    System.setProperty("webdriver.chrome.driver", "/usr/bin/chromedriver");
    Path profile = Files.createTempDirectory(Path.of("target"), "chromium-profile-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1400,1100",
        "--user-data-dir=" + profile.toAbsolutePath());
    driver = new ChromeDriver(options);
    wait = new WebDriverWait(driver, Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() {
    if (driver != null) {
      driver.quit();
    }
  }

  @Test
  void showsTheApisNumbersAndFollowsItsFilters() throws IOException {
    driver.get(fixture.server.url() + "/");
    int loads = waitForLoad(0);
    assertThat(text("error")).isEmpty();
    assertThat(text("last-updated")).startsWith("Data last updated ");
    checkAgainstApi();
    screenshot("dashboard-advertiser.png");

    // An advertiser's campaign, then a shorter range.
    Select campaign = new Select(driver.findElement(By.id("campaign")));
    assertThat(campaign.getOptions()).hasSizeGreaterThan(1);
    campaign.selectByIndex(2);
    loads = waitForLoad(loads);
    assertThat(body("level")).isEqualTo("campaign");
    assertThat(body("id")).isEqualTo(campaign.getFirstSelectedOption().getAttribute("value"));
    checkAgainstApi();
    new Select(driver.findElement(By.id("range"))).selectByValue("7");
    loads = waitForLoad(loads);
    checkAgainstApi();

    new Select(driver.findElement(By.id("advertiser"))).selectByIndex(3);
    loads = waitForLoad(loads);
    assertThat(body("level")).isEqualTo("advertiser");
    new Select(driver.findElement(By.id("granularity"))).selectByValue("hour");
    waitForLoad(loads);
    checkAgainstApi();
    screenshot("dashboard-hourly.png");
  }

  /** Waits until the page has finished one more load than before, and returns the count. */
  private static int waitForLoad(int before) {
    wait.until(d -> Integer.parseInt(body("loads")) > before && "ready".equals(body("state")));
    return Integer.parseInt(body("loads"));
  }

  private static void checkAgainstApi() {
    String level = body("level");
    String id = body("id");
    String from = body("from");
    String to = body("to");
    String granularity =
        new Select(driver.findElement(By.id("granularity")))
            .getFirstSelectedOption()
            .getAttribute("value");
    JsonNode metrics =
        ApiClient.ok(
            "%s/api/metrics?level=%s&id=%s&from=%s&to=%s&granularity=%s"
                .formatted(fixture.server.url(), level, id, from, to, granularity));
    JsonNode totals = metrics.get("totals");
    assertThat(value("total-impressions")).isEqualTo(totals.get("impressions").asText());
    assertThat(value("total-clicks")).isEqualTo(totals.get("clicks").asText());
    assertThat(value("total-conversions")).isEqualTo(totals.get("conversions").asText());
    assertThat(value("total-users")).isEqualTo(totals.get("users").asText());
    assertThat(value("total-sessions")).isEqualTo(totals.get("sessions").asText());
    // The exact figures are the generator's truth too.
    ServingDataTruth.Totals truth =
        fixture.truth.totals(
            EntityLevel.of(level),
            Integer.parseInt(id),
            TimeRange.startOf(java.time.LocalDate.parse(from)),
            TimeRange.startOf(java.time.LocalDate.parse(to)));
    assertThat(Long.parseLong(value("total-impressions"))).isEqualTo(truth.impressions());
    assertThat(Long.parseLong(value("total-clicks"))).isEqualTo(truth.clicks());
    // Each chart holds one value per point of the series.
    for (String chart : new String[] {"impressions", "clicks", "ctr", "conversions"}) {
      Object length =
          ((JavascriptExecutor) driver)
              .executeScript(
                  "return Chart.getChart('chart-" + chart + "').data.datasets[0].data.length");
      assertThat(((Number) length).intValue()).isEqualTo(metrics.get("points").size());
    }
    String scope = level.equals("campaign") ? "campaign=" + id : "advertiser=" + id;
    JsonNode top =
        ApiClient.ok(
            "%s/api/top-ads?metric=impressions&from=%s&to=%s&%s&limit=10"
                .formatted(fixture.server.url(), from, to, scope));
    var rows = driver.findElements(By.cssSelector("#top-ads tbody tr"));
    assertThat(rows).hasSize(top.get("ads").size()).isNotEmpty();
    for (int i = 0; i < rows.size(); i++) {
      assertThat(rows.get(i).getAttribute("data-ad"))
          .isEqualTo(top.get("ads").get(i).get("adId").asText());
      assertThat(rows.get(i).findElements(By.tagName("td")).get(3).getAttribute("data-value"))
          .isEqualTo(top.get("ads").get(i).get("impressions").asText());
    }
  }

  private static String body(String attribute) {
    return driver.findElement(By.tagName("body")).getAttribute("data-" + attribute);
  }

  private static String value(String id) {
    return driver.findElement(By.id(id)).getAttribute("data-value");
  }

  private static String text(String id) {
    return driver.findElement(By.id(id)).getText();
  }

  private static void screenshot(String name) throws IOException {
    Path shot = driver.getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(shot, Path.of("target", name), StandardCopyOption.REPLACE_EXISTING);
  }
}
