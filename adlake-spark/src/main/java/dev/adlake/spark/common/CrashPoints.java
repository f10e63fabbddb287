package dev.adlake.spark.common;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Points where a test halts the process as a SIGKILL would ({@code -Dadlake.test.crash-point=}), so
 * that the tests can show a rerun ends where an uninterrupted run would.
 */
public final class CrashPoints {
  public static final String PROPERTY = "adlake.test.crash-point";
  private static final Logger LOG = LoggerFactory.getLogger(CrashPoints.class);

  private CrashPoints() {}

  public static void crashIf(String point) {
    if (point.equals(System.getProperty(PROPERTY))) {
      LOG.error("Halting at crash point {} as asked by {}", point, PROPERTY);
      Runtime.getRuntime().halt(137);
    }
  }
}
