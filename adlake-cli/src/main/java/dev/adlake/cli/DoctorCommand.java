package dev.adlake.cli;

import dev.adlake.core.access.DeploymentChecks;
import dev.adlake.core.access.DeploymentChecks.Finding;
import dev.adlake.core.access.DeploymentChecks.Level;
import dev.adlake.core.config.AdlakeConfig;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code adlake doctor}: what to fix in a deployment before others can reach it. */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    description = {
      "Check a deployment's security and print what to fix.",
      "",
      "From the configuration and the home alone, without starting anything:",
      "whether the API asks for tokens, TLS, the secrets' file permissions, the",
      "metadata database's password, default or short secrets, and the ports open",
      "beyond this machine. Ends 1 when a check fails."
    },
    footer = {"", "Examples:", "  adlake doctor", "  adlake --config prod.yaml doctor"})
final class DoctorCommand implements Callable<Integer> {
  @ParentCommand AdlakeCommand root;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    AdlakeConfig config = root.loadConfig();
    List<Finding> findings = DeploymentChecks.check(config);
    PrintWriter out = spec.commandLine().getOut();
    out.printf("Checks of the deployment in %s:%n", config.home());
    for (Finding finding : findings) {
      out.printf(
          "  %-5s %-18s %s%n",
          finding.level() == Level.OK ? "ok" : finding.level().name().toUpperCase(Locale.ROOT),
          finding.check(),
          finding.detail());
      finding.fix().ifPresent(fix -> out.printf("  %-5s %-18s fix: %s%n", "", "", fix));
    }
    long warnings = findings.stream().filter(f -> f.level() == Level.WARN).count();
    long failures = findings.stream().filter(f -> f.level() == Level.FAIL).count();
    out.printf(
        "%d checks: %d ok, %d warning(s), %d failure(s)%n",
        findings.size(), findings.size() - warnings - failures, warnings, failures);
    out.flush();
    return failures > 0 ? 1 : 0;
  }
}
