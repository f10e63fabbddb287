package dev.adlake.core.table;

import dev.adlake.core.InvalidInputException;
import java.util.Locale;

/** The level a serving-store row rolls up to: one ad, one campaign or one advertiser. */
public enum EntityLevel {
  AD,
  CAMPAIGN,
  ADVERTISER;

  /** The value of the {@code level} column, and of the API's {@code level} parameter. */
  public String sqlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The level named by a {@code level} column or parameter value.
   *
   * @throws InvalidInputException when the name is none of ad, campaign, advertiser
   */
  public static EntityLevel of(String name) {
    for (EntityLevel level : values()) {
      if (level.sqlName().equals(name)) {
        return level;
      }
    }
    throw new InvalidInputException(
        "Unknown level '%s': expected ad, campaign or advertiser".formatted(name));
  }
}
