package dev.adlake.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.adlake.core.table.EntityLevel;
import dev.adlake.generator.serving.ServingDataTruth;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in the system's headless Chromium: the numbers it shows equal the API's, before and
 * after changing its filters; its charts and table are drawn. Its runs page lists the recorded runs
 * as the API does and draws the pipeline.
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
    // A new visitor is sent to the login page, which refuses a wrong token and comes back to the
    // dashboard with a good one.
    driver.manage().deleteAllCookies();
    driver.get(fixture.server.url() + "/");
    wait.until(d -> d.getCurrentUrl().endsWith("/login.html?next=%2F"));
    submitToken("adl_not-a-token");
    wait.until(d -> !text("error").isEmpty());
    assertThat(text("error")).isEqualTo("The API token is not valid: unknown or revoked");
    submitToken(fixture.token);
    wait.until(d -> d.getCurrentUrl().equals(fixture.server.url() + "/"));
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

  @Test
  void theRunsPageShowsTheRecordedRunsAndDrawsThePipeline() throws IOException {
    // The dashboard links to the runs page; this server was started without the pipeline.
    logIn(fixture.server.url(), fixture.token);
    driver.get(fixture.server.url() + "/");
    waitForLoad(0);
    driver.findElement(By.linkText("Runs")).click();
    wait.until(d -> d.getCurrentUrl().endsWith("/runs.html"));
    waitForLoad(0);
    assertThat(text("error")).isEmpty();
    assertThat(text("graph")).startsWith("The server was started without the pipeline");

    RunsFixture runs = RunsFixture.get();
    // Another server on the same host: its own login (cookies do not tell ports apart).
    logIn(runs.server.url(), runs.token);
    driver.get(runs.server.url() + "/runs.html");
    int loads = waitForLoad(0);
    assertThat(text("error")).isEmpty();
    JsonNode recent = ApiClient.ok(runs.server.url() + "/api/runs?limit=100");
    var rows = driver.findElements(By.cssSelector("#runs tbody tr"));
    assertThat(rows).hasSize(recent.get("runs").size()).hasSize(16);
    for (int i = 0; i < rows.size(); i++) {
      JsonNode run = recent.get("runs").get(i);
      var cells = rows.get(i).findElements(By.tagName("td"));
      assertThat(rows.get(i).getAttribute("data-run")).isEqualTo(run.get("id").asText());
      assertThat(cells.get(1).getText()).isEqualTo(run.get("job").asText());
      assertThat(cells.get(2).getAttribute("data-status")).isEqualTo(run.get("status").asText());
      assertThat(cells.get(3).getText()).isEqualTo(run.get("attempt").asText());
      assertThat(cells.get(9).getAttribute("data-value"))
          .isEqualTo(run.get("rowsOut").isNull() ? "" : run.get("rowsOut").asText());
    }
    // A succeeded run shows its figures in their units (in the order PostgreSQL keeps JSONB keys).
    String ingest = String.valueOf(runs.nightly.succeeded().get("ingest-events").runId());
    assertThat(
            driver
                .findElement(By.cssSelector("#runs tr[data-run='" + ingest + "'] td.figures"))
                .getText())
        .isEqualTo("3 files · 50 rejected · 5.0 MB bytes_read");
    // Each status has its colour.
    assertThat(pillColour("failed")).isNotEqualTo(pillColour("succeeded"));
    assertThat(pillColour("running")).isNotIn(pillColour("failed"), pillColour("succeeded"));
    WebElement failed =
        driver.findElement(By.xpath("//table[@id='runs']//td[@data-status='failed']/ancestor::tr"));
    assertThat(failed.getText()).contains(RunsFixture.IDENTITY_FAILS);
    // The retry of ad-metrics: its second attempt, which waited the backoff.
    var retry =
        driver
            .findElement(By.cssSelector("#runs tr[data-run='" + runs.retried.get(0).runId() + "']"))
            .findElements(By.tagName("td"));
    assertThat(retry.get(3).getText()).isEqualTo("2");
    assertThat(Long.parseLong(retry.get(6).getAttribute("data-value")))
        .isGreaterThanOrEqualTo(RunsFixture.BACKOFF.toMillis());

    // One box per job of the pipeline, in columns by depth; an arrow per upstream job.
    JsonNode pipeline = ApiClient.ok(runs.server.url() + "/api/pipeline");
    var boxes = driver.findElements(By.cssSelector("#pipeline-graph g.job"));
    assertThat(boxes).hasSize(pipeline.get("jobs").size()).hasSize(7);
    int arrows = 0;
    Map<Integer, Double> columns = new HashMap<>();
    for (int i = 0; i < boxes.size(); i++) {
      JsonNode job = pipeline.get("jobs").get(i);
      WebElement box = boxes.get(i);
      assertThat(box.getAttribute("data-job")).isEqualTo(job.get("name").asText());
      assertThat(box.getAttribute("data-domain")).isEqualTo(job.get("domainTitle").asText());
      assertThat(box.findElement(By.cssSelector("text.name")).getAttribute("textContent"))
          .isEqualTo(job.get("name").asText());
      assertThat(box.findElement(By.cssSelector("text.domain")).getAttribute("textContent"))
          .startsWith(job.get("domainTitle").asText());
      String shape = job.get("kind").asText().equals("streaming") ? "polygon" : "rect";
      assertThat(box.findElements(By.tagName(shape))).hasSize(1);
      double x =
          ((Number)
                  ((JavascriptExecutor) driver)
                      .executeScript("return arguments[0].getBBox().x", box))
              .doubleValue();
      int depth = job.get("depth").asInt();
      assertThat(columns.computeIfAbsent(depth, d -> x)).isEqualTo(x);
      arrows += job.get("upstream").size();
    }
    assertThat(columns.get(0)).isLessThan(columns.get(1));
    assertThat(columns.get(1)).isLessThan(columns.get(2));
    assertThat(columns.get(2)).isLessThan(columns.get(3));
    assertThat(driver.findElements(By.cssSelector("#pipeline-graph path.edge"))).hasSize(arrows);
    assertThat(driver.findElements(By.cssSelector("#alerts tbody tr")))
        .hasSize(runs.alertSubjects.size());

    // A pipeline run, clicked, lists its job runs.
    long manual = runs.manual.pipelineRunId();
    driver
        .findElement(By.cssSelector("#pipeline-runs tr[data-pipeline-run='" + manual + "']"))
        .click();
    loads = waitForLoad(loads);
    assertThat(text("pipeline-run-title")).isEqualTo("Job runs of pipeline run " + manual);
    JsonNode ofManual =
        ApiClient.ok("%s/api/pipeline-runs/%d/runs".formatted(runs.server.url(), manual));
    var manualRows = driver.findElements(By.cssSelector("#pipeline-run-runs tbody tr"));
    assertThat(manualRows).hasSize(ofManual.get("runs").size()).hasSize(4);
    for (int i = 0; i < manualRows.size(); i++) {
      assertThat(manualRows.get(i).getAttribute("data-run"))
          .isEqualTo(ofManual.get("runs").get(i).get("id").asText());
    }
    // The whole page in one picture, for a person to look at.
    driver.manage().window().setSize(new Dimension(1400, 2000));
    screenshot("dashboard-runs.png");
    driver.manage().window().setSize(new Dimension(1400, 1100));
  }

  private static String pillColour(String status) {
    return driver
        .findElement(By.cssSelector("#runs td[data-status='" + status + "'] .pill"))
        .getCssValue("background-color");
  }

  /** Waits until the page has finished one more load than before, and returns the count. */
  private static int waitForLoad(int before) {
    wait.until(d -> Integer.parseInt(body("loads")) > before && "ready".equals(body("state")));
    return Integer.parseInt(body("loads"));
  }

  /** Logs the browser in to that server with the token, through its login page. */
  private static void logIn(String serverUrl, String token) {
    driver.get(serverUrl + "/login.html?next=%2Fruns.html");
    submitToken(token);
    wait.until(d -> d.getCurrentUrl().equals(serverUrl + "/runs.html"));
  }

  private static void submitToken(String token) {
    WebElement field = driver.findElement(By.id("token"));
    field.clear();
    field.sendKeys(token);
    driver.findElement(By.id("submit")).click();
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
