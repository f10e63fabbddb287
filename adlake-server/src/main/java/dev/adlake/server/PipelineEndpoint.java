package dev.adlake.server;

import dev.adlake.core.NotFoundException;
import dev.adlake.core.job.JobDefinition;
import dev.adlake.core.job.Pipeline;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /api/pipeline}: the platform's pipeline as a graph: its jobs in the order they may
 * start, each with its domain, kind, depth and the upstream jobs it waits for (with a dataset that
 * links them). Not found when the server was started without the pipeline.
 */
final class PipelineEndpoint {
  private final Optional<PipelineAnswer> answer;

  PipelineEndpoint(Optional<Pipeline> pipeline) {
    this.answer = pipeline.map(PipelineEndpoint::describe);
  }

  /** A job a job waits for, and a dataset the one writes and the other reads. */
  record Upstream(String job, String dataset) {}

  /**
   * A job of the pipeline.
   *
   * @param domain the domain as the run ledger names it ({@code cookie_mapping})
   * @param domainTitle the domain as people write it ({@code Cookie mapping})
   * @param kind {@code batch} or {@code streaming}
   * @param depth the longest path of upstream jobs before it: 0 for a job that waits for none
   */
  record PipelineJob(
      String name,
      String domain,
      String domainTitle,
      String kind,
      String description,
      int depth,
      List<Upstream> upstream) {}

  record PipelineAnswer(String selection, List<PipelineJob> jobs) {}

  Object pipeline(Context context) {
    return answer.orElseThrow(
        () ->
            new NotFoundException(
                "The server was started without the pipeline: /api/pipeline needs the platform's"
                    + " jobs, which adlake serve gives it"));
  }

  private static PipelineAnswer describe(Pipeline pipeline) {
    Map<String, Integer> depths = new HashMap<>();
    List<PipelineJob> jobs = new ArrayList<>();
    // In the pipeline's order every upstream job comes first, so its depth is known.
    for (JobDefinition job : pipeline.order()) {
      int depth = 0;
      List<Upstream> upstream = new ArrayList<>();
      for (String before : pipeline.upstream(job.name())) {
        depth = Math.max(depth, depths.get(before) + 1);
        upstream.add(new Upstream(before, pipeline.through(job.name(), before).name()));
      }
      depths.put(job.name(), depth);
      jobs.add(
          new PipelineJob(
              job.name(),
              job.domain().name().toLowerCase(Locale.ROOT),
              job.domain().title(),
              job.kind().name().toLowerCase(Locale.ROOT),
              job.description(),
              depth,
              upstream));
    }
    return new PipelineAnswer(pipeline.selection(), jobs);
  }
}
