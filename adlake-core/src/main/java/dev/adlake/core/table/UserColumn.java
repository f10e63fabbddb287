package dev.adlake.core.table;

import static java.util.Objects.requireNonNull;

/**
 * A column of a table that holds user-level data, and how a user's rows are found by it: its value
 * is one of the user's ids (as sent, or pseudonymised), one of the user's node ids in the identity
 * graph, or a text (a rejected row's raw line) that contains one of the ids.
 *
 * @param pseudonymised whether every value is a pseudonym of our own ids (the enricher's keyed
 *     pseudonyms): a rotation of the pseudonym key rewrites such a column, value by value
 */
public record UserColumn(String name, Match match, boolean pseudonymised) {
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
    if (pseudonymised && match != Match.ID) {
      throw new IllegalArgumentException("Only an id column holds pseudonyms: " + name);
    }
  }

  /** A column that is not made of pseudonyms alone. */
  public UserColumn(String name, Match match) {
    this(name, match, false);
  }

  public static UserColumn id(String name) {
    return new UserColumn(name, Match.ID);
  }

  /** A column whose every value is the keyed pseudonym of one of our ids. */
  public static UserColumn pseudonym(String name) {
    return new UserColumn(name, Match.ID, true);
  }
}
