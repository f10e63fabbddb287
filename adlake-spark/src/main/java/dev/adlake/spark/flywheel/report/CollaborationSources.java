package dev.adlake.spark.flywheel.report;

import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.NotFoundException;
import dev.adlake.core.config.FlywheelConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The collaboration source the configuration asks for: AWS when {@code flywheel.membership-id} is
 * set, else the JSON file {@code flywheel.collaboration}.
 */
public final class CollaborationSources {
  private CollaborationSources() {}

  /** Reads the collaboration once; AWS clients are closed after. */
  public static Collaboration load(FlywheelConfig config, Configuration hadoop) {
    if (config.membershipId().isPresent()) {
      try (AwsCollaborationSource aws =
          AwsCollaborationSource.of(
              config.membershipId().get(), config.region(), config.endpoint())) {
        return aws.load();
      }
    }
    return json(config, hadoop).load();
  }

  /** Where the collaboration is read from, for messages. */
  public static String describe(FlywheelConfig config) {
    return config
        .membershipId()
        .map(id -> "AWS Clean Rooms membership %s in %s".formatted(id, config.region()))
        .orElse("collaboration file " + config.collaboration());
  }

  private static JsonCollaborationSource json(FlywheelConfig config, Configuration hadoop) {
    String location = config.collaboration().toString();
    return new JsonCollaborationSource(
        location,
        () -> {
          Path path = new Path(config.collaboration());
          try {
            if (!path.getFileSystem(hadoop).exists(path)) {
              throw new NotFoundException(
                  "Collaboration %s not found: describe it there (flywheel.collaboration) or set"
                          .formatted(location)
                      + " flywheel.membership-id to read it from AWS Clean Rooms");
            }
            try (InputStream in = path.getFileSystem(hadoop).open(path)) {
              return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
          } catch (IOException e) {
            throw new ExternalFailureException(
                "Cannot read collaboration %s: %s".formatted(location, e.getMessage()), e);
          }
        });
  }
}
