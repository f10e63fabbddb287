package dev.adlake.spark.flywheel.report;

/** Where the clean-room report and the query runner read the collaboration from. */
public interface CollaborationSource {
  /**
   * The collaboration as it stands now.
   *
   * @throws dev.adlake.core.InvalidInputException when its description is wrong, naming the field
   * @throws dev.adlake.core.ExternalFailureException when its store cannot be reached
   */
  Collaboration load();

  /** Where it comes from, for messages: a file's path, or the membership and region. */
  String describe();
}
