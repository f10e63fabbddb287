package dev.adlake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.UsageMessageSpec;

/** The layout of every command's help at the narrowest usual terminal, 80 columns. */
class HelpTextTest {
  private static final int WIDTH = 80;

  @Test
  void joinsTheLinesOfAParagraphAndKeepsBlocksApart() {
    String[] lines = {
      "First line of a paragraph",
      "that goes on here.",
      "",
      "Faults on purpose:",
      "late rows.",
      "",
      "Examples:",
      "  adlake one     first",
      "  adlake two     second",
      "Next paragraph after an indented line",
      "goes on.",
      "- an item",
      "  of a list",
      "- another item",
      "wrapped.",
      "%nformat line"
    };
    assertThat(HelpText.paragraphs(lines))
        .containsExactly(
            "First line of a paragraph that goes on here.",
            "",
            "Faults on purpose: late rows.",
            "",
            "Examples:",
            "  adlake one     first",
            "  adlake two     second",
            "Next paragraph after an indented line goes on.",
            "- an item",
            "  of a list",
            "- another item wrapped.",
            "%nformat line");
    assertThat(HelpText.paragraphs(HelpText.paragraphs(lines)))
        .containsExactly(HelpText.paragraphs(lines));
  }

  @Test
  void everyCommandHasJoinedParagraphsAOneSentenceSummaryAndPreformattedLinesInside80Columns() {
    List<String> problems = new ArrayList<>();
    List<CommandLine> commands = new ArrayList<>();
    PrintWriter sink = new PrintWriter(new StringWriter());
    collect(AdlakeCommand.commandLine(sink, sink), commands);
    assertThat(commands).hasSizeGreaterThan(20);
    for (CommandLine command : commands) {
      String name = command.getCommandSpec().qualifiedName();
      UsageMessageSpec usage = command.getCommandSpec().usageMessage();
      String summary =
          usage.header().length > 0
              ? usage.header()[0]
              : usage.description().length > 0 ? usage.description()[0] : "";
      // The list of subcommands shows the summary in a column of 60 characters: two lines at most.
      if (!summary.endsWith(".") || summary.length() > 2 * 60 || sentences(summary) != 1) {
        problems.add(name + ": summary is not one short sentence: '" + summary + "'");
      }
      // Wired into the command line: no element is left that continues the one above it.
      if (HelpText.paragraphs(usage.description()).length != usage.description().length
          || HelpText.paragraphs(usage.footer()).length != usage.footer().length) {
        problems.add(name + ": lines of a paragraph not joined");
      }
      List<String> texts = new ArrayList<>(List.of(usage.description()));
      texts.addAll(List.of(usage.footer()));
      for (String text : texts) {
        if (!text.isEmpty() && Character.isWhitespace(text.charAt(0)) && text.length() > WIDTH) {
          problems.add(name + ": preformatted line over " + WIDTH + " columns: '" + text + "'");
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  private static void collect(CommandLine command, List<CommandLine> into) {
    into.add(command);
    command.getSubcommands().values().forEach(subcommand -> collect(subcommand, into));
  }

  private static int sentences(String text) {
    return text.split("\\. (?=[A-Z])").length;
  }
}
