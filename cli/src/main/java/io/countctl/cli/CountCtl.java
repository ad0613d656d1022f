package io.countctl.cli;

import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code countctl}: each subcommand lives in the package of its feature. */
@Command(
    name = "countctl",
    mixinStandardHelpOptions = true,
    versionProvider = CountCtlVersion.class,
    description = "Runs, provisions, inspects and load-tests the Count platform.")
public final class CountCtl {

  /**
   * Every subcommand, in the order help lists them. Registered here rather than in the annotation
   * so that a call names the one it runs: picocli builds the model of each registered command by
   * reflection, which for all of them is most of a short command's start-up.
   */
  private static final List<Map.Entry<String, Class<?>>> SUBCOMMANDS = List.of(
      Map.entry("help", CommandLine.HelpCommand.class),
      Map.entry("generate-completion", CompletionCommand.class),
      Map.entry("dev", io.countctl.cli.dev.DevCommand.class),
      Map.entry("inc", io.countctl.cli.data.CountCommands.Inc.class),
      Map.entry("dec", io.countctl.cli.data.CountCommands.Dec.class),
      Map.entry("get", GetCommand.class),
      Map.entry("unique", io.countctl.cli.data.SketchCommands.Unique.class),
      Map.entry("top", io.countctl.cli.data.SketchCommands.Top.class),
      Map.entry("create", io.countctl.cli.provision.CreateCommand.class),
      Map.entry("describe", io.countctl.cli.provision.DescribeCommand.class),
      Map.entry("delete", io.countctl.cli.provision.DeleteCommand.class),
      Map.entry("bench", io.countctl.cli.bench.BenchCommand.class),
      Map.entry("bench-live", io.countctl.cli.bench.LiveBenchCommand.class),
      Map.entry("watch", io.countctl.cli.live.WatchCommand.class),
      Map.entry("dlq", io.countctl.cli.dlq.DlqCommand.class),
      Map.entry("__complete", io.countctl.cli.provision.CompleteCommand.class));

  /** Commands that need the whole tree: help and completion list every command. */
  private static final List<String> NEED_ALL = List.of("help", "generate-completion");

  public static void main(String[] args) {
    System.exit(commandLine(args).execute(args));
  }

  /** The command line with every subcommand, shared by tests. */
  public static CommandLine commandLine() {
    return build(null);
  }

  /**
   * The command line for these arguments: only the subcommand they name (plus the root's own
   * options), every subcommand when they name none, name help or completion, or are a typo (so
   * picocli can list them and suggest one). {@code --version} needs none.
   */
  public static CommandLine commandLine(String[] args) {
    if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
      return configured(new CommandLine(new CountCtl()));
    }
    String first = args.length == 0 ? null : args[0];
    return build(first == null || NEED_ALL.contains(first) ? null : first);
  }

  private static CommandLine build(String only) {
    CommandLine cl = new CommandLine(new CountCtl());
    boolean known = only != null && SUBCOMMANDS.stream().anyMatch(e -> e.getKey().equals(only));
    for (Map.Entry<String, Class<?>> sub : SUBCOMMANDS) {
      if (!known || sub.getKey().equals(only)) {
        cl.addSubcommand(sub.getKey(), sub.getValue());
      }
    }
    return configured(cl);
  }

  /** Settings for the whole tree; picocli applies them to the subcommands registered so far. */
  private static CommandLine configured(CommandLine cl) {
    return cl.setCaseInsensitiveEnumValuesAllowed(true);
  }
}
