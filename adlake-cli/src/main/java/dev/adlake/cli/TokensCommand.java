package dev.adlake.cli;

import dev.adlake.core.access.ApiToken;
import dev.adlake.core.access.Scope;
import dev.adlake.core.config.AdlakeConfig;
import dev.adlake.core.metadata.JdbcApiTokens;
import dev.adlake.core.metadata.JdbcAudit;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code adlake tokens}: the API tokens of the HTTP API and the dashboard. */
@Command(
    name = "tokens",
    mixinStandardHelpOptions = true,
    description = {
      "Make, list and revoke the API's tokens.",
      "",
      "Every API call and dashboard visit needs a token (unless server.auth is",
      "false). A token's scope says what it may do: read (metrics, runs, reports),",
      "manage (also segments and platform data, such as partners' mapping files),",
      "admin (also tokens and the audit log). Only a hash of each token is stored:",
      "a token is shown once, when it is made. Making and revoking tokens is",
      "recorded in the audit log."
    },
    subcommands = {
      TokensCommand.Create.class,
      TokensCommand.ListTokens.class,
      TokensCommand.Revoke.class
    },
    footer = {
      "",
      "Examples:",
      "  adlake tokens create grafana --scope read",
      "  adlake tokens list",
      "  adlake tokens revoke grafana",
      "  curl -H \"Authorization: Bearer $TOKEN\" http://127.0.0.1:8420/api/status"
    })
final class TokensCommand implements Callable<Integer> {
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

  @ParentCommand AdlakeCommand root;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  private <T> T withTokens(Function<JdbcApiTokens, T> action) {
    AdlakeConfig config = root.loadConfig();
    try (PlatformHandle handle = new PlatformHandle(config, status -> {})) {
      return action.apply(new JdbcApiTokens(handle.platform().metadata().dataSource()));
    }
  }

  /** {@code adlake tokens create NAME --scope S}. */
  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = {
        "Make a token and print it, the only time it is shown.",
        "",
        "NAME says who or what uses it (grafana, alice, partner-sharethis); one live",
        "token per name."
      })
  static final class Create implements Callable<Integer> {
    @ParentCommand TokensCommand parent;

    @Parameters(index = "0", paramLabel = "NAME", description = "Who or what uses the token")
    String name;

    @Option(
        names = "--scope",
        paramLabel = "SCOPE",
        description = "read, manage or admin (default: ${DEFAULT-VALUE})",
        defaultValue = "read")
    String scope;

    @Override
    public Integer call() {
      Scope parsed = Scope.parse(scope);
      JdbcApiTokens.Created created =
          parent.withTokens(tokens -> tokens.create(name, parsed, JdbcAudit.consoleUser()));
      PrintWriter out = parent.spec.commandLine().getOut();
      out.printf("Token '%s' (scope %s):%n", name, parsed.label());
      out.println(created.secret());
      out.println(
          "Keep it now: only its hash is stored. Send it as 'Authorization: Bearer TOKEN',");
      out.println("or paste it into the dashboard's login page.");
      out.flush();
      return 0;
    }
  }

  /** {@code adlake tokens list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = {"List the tokens: name, scope, first characters, made, last used, revoked."})
  static final class ListTokens implements Callable<Integer> {
    @ParentCommand TokensCommand parent;

    @Override
    public Integer call() {
      List<ApiToken> tokens = parent.withTokens(JdbcApiTokens::list);
      PrintWriter out = parent.spec.commandLine().getOut();
      if (tokens.isEmpty()) {
        out.println("No tokens yet: 'adlake tokens create NAME --scope read' makes one.");
      } else {
        out.printf(
            "%-24s %-7s %-11s %-17s %-17s %-17s %s%n",
            "NAME", "SCOPE", "STARTS", "MADE", "LAST USED", "REVOKED", "MADE BY");
        for (ApiToken token : tokens) {
          out.printf(
              "%-24s %-7s %-11s %-17s %-17s %-17s %s%n",
              token.name(),
              token.scope().label(),
              token.prefix() + "…",
              WHEN.format(token.createdAt()),
              when(token.lastUsedAt()),
              when(token.revokedAt()),
              token.createdBy());
        }
      }
      out.flush();
      return 0;
    }

    private static String when(Optional<Instant> instant) {
      return instant.map(WHEN::format).orElse("-");
    }
  }

  /** {@code adlake tokens revoke NAME}. */
  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = {
        "Revoke a token: servers refuse it within 10 seconds.",
        "",
        "The token stays listed, marked revoked; its name can be given to a new token."
      })
  static final class Revoke implements Callable<Integer> {
    @ParentCommand TokensCommand parent;

    @Parameters(index = "0", paramLabel = "NAME", description = "The token's name")
    String name;

    @Override
    public Integer call() {
      ApiToken revoked = parent.withTokens(tokens -> tokens.revoke(name, JdbcAudit.consoleUser()));
      PrintWriter out = parent.spec.commandLine().getOut();
      out.printf("Revoked token '%s' (scope %s).%n", revoked.name(), revoked.scope().label());
      out.flush();
      return 0;
    }
  }
}
