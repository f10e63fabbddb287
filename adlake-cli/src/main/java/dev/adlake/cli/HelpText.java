package dev.adlake.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * The layout of the commands' help. Their descriptions and footers are written in the source as
 * lines of about 90 characters, but picocli wraps every element of those arrays on its own: at 80
 * columns each such line came out as a full line and a fragment of a few words. This joins the
 * lines of a paragraph into one element, so picocli wraps the paragraph as a whole at the
 * terminal's width.
 *
 * <p>A line continues the paragraph above it unless it is blank, indented (examples, aligned
 * tables), a list item ({@code "- "}) or a picocli format ({@code "%n"}), or the line above is
 * blank or indented. A heading such as {@code "Examples:"} stays on its own line because what
 * follows it is indented or blank.
 */
final class HelpText {
  private HelpText() {}

  /** Joins the paragraphs of every command's description and footer, subcommands included. */
  static void reflow(CommandLine commandLine) {
    reflow(commandLine, Collections.newSetFromMap(new IdentityHashMap<>()));
  }

  private static void reflow(CommandLine commandLine, Set<CommandLine> done) {
    if (!done.add(commandLine)) {
      return;
    }
    UsageMessageSpec usage = commandLine.getCommandSpec().usageMessage();
    usage.description(paragraphs(usage.description()));
    usage.footer(paragraphs(usage.footer()));
    for (CommandLine subcommand : commandLine.getSubcommands().values()) {
      reflow(subcommand, done);
    }
  }

  /** The lines joined into paragraphs, by the rules of the class comment. */
  static String[] paragraphs(String[] lines) {
    List<String> paragraphs = new ArrayList<>();
    String previous = null;
    for (String line : lines) {
      if (previous != null && continues(previous, line)) {
        int last = paragraphs.size() - 1;
        paragraphs.set(last, paragraphs.get(last) + " " + line.strip());
      } else {
        paragraphs.add(line);
      }
      previous = line;
    }
    return paragraphs.toArray(String[]::new);
  }

  private static boolean continues(String above, String line) {
    return !above.isBlank() && !Character.isWhitespace(above.charAt(0)) && !starts(line);
  }

  /** Whether the line starts a block of its own: blank, indented, a list item or a format. */
  private static boolean starts(String line) {
    return line.isBlank()
        || Character.isWhitespace(line.charAt(0))
        || line.startsWith("- ")
        || line.startsWith("%");
  }
}
