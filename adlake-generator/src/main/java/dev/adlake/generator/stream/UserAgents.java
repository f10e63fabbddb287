package dev.adlake.generator.stream;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A realistic pool of user agents with their shares: desktop, phone and tablet browsers for people,
 * and crawlers and HTTP clients for robots. Yauaa (7.32) gives every robot here the device class
 * {@code Robot} and every browser {@code Desktop}, {@code Phone} or {@code Tablet}, so the truth's
 * robot count is what a user-agent parser finds. (Googlebot's smartphone agent, class {@code Robot
 * Mobile}, is left out: a check for {@code Robot} alone would miss it.)
 */
public final class UserAgents {
  /** A user agent string, its share within its pool, and whether it is a robot's. */
  public record Agent(String text, double share, boolean robot) {}

  /** Browsers, by share of people. */
  static final List<Agent> BROWSERS =
      List.of(
          browser(
              0.24,
              "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
                  + " Chrome/131.0.0.0 Safari/537.36"),
          browser(
              0.05,
              "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"),
          browser(
              0.06,
              "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
                  + " Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"),
          browser(
              0.06,
              "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like"
                  + " Gecko) Version/18.1 Safari/605.1.15"),
          browser(
              0.04,
              "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like"
                  + " Gecko) Chrome/131.0.0.0 Safari/537.36"),
          browser(
              0.01,
              "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.7; rv:133.0) Gecko/20100101 Firefox/133.0"),
          browser(
              0.02,
              "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
                  + " Chrome/131.0.0.0 Safari/537.36"),
          browser(
              0.01,
              "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"),
          browser(
              0.18,
              "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML,"
                  + " like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"),
          browser(
              0.03,
              "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML,"
                  + " like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1"),
          browser(
              0.12,
              "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko)"
                  + " Chrome/131.0.6778.81 Mobile Safari/537.36"),
          browser(
              0.06,
              "Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko)"
                  + " SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36"),
          browser(
              0.04,
              "Mozilla/5.0 (Linux; Android 13; Redmi Note 12) AppleWebKit/537.36 (KHTML, like"
                  + " Gecko) Chrome/130.0.6723.107 Mobile Safari/537.36"),
          browser(
              0.05,
              "Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like"
                  + " Gecko) Version/18.1 Mobile/15E148 Safari/604.1"),
          browser(
              0.03,
              "Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko)"
                  + " Chrome/131.0.6778.81 Safari/537.36"));

  /** Crawlers and scripted clients, by share of robot traffic. */
  static final List<Agent> ROBOTS =
      List.of(
          robot(0.45, "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"),
          robot(0.20, "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"),
          robot(0.15, "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)"),
          robot(0.10, "curl/8.5.0"),
          robot(0.10, "python-requests/2.32.3"));

  private final double[] browserCumulative = cumulative(BROWSERS);
  private final double[] robotCumulative = cumulative(ROBOTS);

  /** The browser a person always uses, from a hash of the person. */
  public Agent browserOf(long userHash) {
    double u = (userHash >>> 11) * 0x1.0p-53;
    return BROWSERS.get(pick(browserCumulative, u));
  }

  Agent robot(SplittableRandom random) {
    return ROBOTS.get(pick(robotCumulative, random.nextDouble()));
  }

  private static int pick(double[] cumulative, double unit) {
    double u = unit * cumulative[cumulative.length - 1];
    for (int i = 0; i < cumulative.length; i++) {
      if (u < cumulative[i]) {
        return i;
      }
    }
    return cumulative.length - 1;
  }

  private static double[] cumulative(List<Agent> agents) {
    double[] cumulative = new double[agents.size()];
    double sum = 0;
    for (int i = 0; i < agents.size(); i++) {
      sum += agents.get(i).share();
      cumulative[i] = sum;
    }
    return cumulative;
  }

  private static Agent browser(double share, String text) {
    return new Agent(text, share, false);
  }

  private static Agent robot(double share, String text) {
    return new Agent(text, share, true);
  }
}
