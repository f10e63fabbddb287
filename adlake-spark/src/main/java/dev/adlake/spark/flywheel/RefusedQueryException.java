package dev.adlake.spark.flywheel;

import dev.adlake.core.InvalidInputException;

/**
 * A clean-room query breaks the analysis rules of the collaboration's tables, or uses SQL the query
 * runner does not check, and is not run. The message names the table, the column or the clause and
 * the rule it breaks.
 */
public final class RefusedQueryException extends InvalidInputException {
  public RefusedQueryException(String message) {
    super(message);
  }
}
