package dev.adlake.core.table;

import static java.util.Objects.requireNonNull;

/**
 * A column of a table that holds user-level data, and how a user's rows are found by it: its value
 * is one of the user's ids (as sent, or pseudonymised), one of the user's node ids in the identity
 * graph, or a text (a rejected row's raw line) that contains one of the ids.
 */
public record UserColumn(String name, Match match) {
  /** How a user's rows are matched by the column. */
  public enum Match {
    /** The value is one of the user's ids, as sent or as pseudonymised. */
    ID,
    /** The value is one of the user's node ids of the identity graph. */
    NODE_ID,
    /** The value is a text that contains one of the user's ids. */
    CONTAINS
  }

  public UserColumn {
    requireNonNull(name, "name is null");
    requireNonNull(match, "match is null");
  }

  public static UserColumn id(String name) {
    return new UserColumn(name, Match.ID);
  }
}
