package io.countctl.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code countctl}: each subcommand lives in the package of its feature. */
@Command(
    name = "countctl",
    mixinStandardHelpOptions = true,
    versionProvider = CountCtlVersion.class,
    description = "Runs, provisions, inspects and load-tests the Count platform.",
    subcommands = {
      CommandLine.HelpCommand.class,
      picocli.AutoComplete.GenerateCompletion.class,
      io.countctl.cli.dev.DevCommand.class,
      io.countctl.cli.data.CountCommands.Inc.class,
      io.countctl.cli.data.CountCommands.Dec.class,
      GetCommand.class,
      io.countctl.cli.data.SketchCommands.Unique.class,
      io.countctl.cli.data.SketchCommands.Top.class,
      io.countctl.cli.provision.CreateCommand.class,
      io.countctl.cli.provision.DescribeCommand.class,
      io.countctl.cli.provision.DeleteCommand.class,
      io.countctl.cli.bench.BenchCommand.class,
      io.countctl.cli.bench.LiveBenchCommand.class,
      io.countctl.cli.live.WatchCommand.class,
    })
public final class CountCtl {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, shared by {@link #main} and tests. */
  public static CommandLine commandLine() {
    return new CommandLine(new CountCtl()).setCaseInsensitiveEnumValuesAllowed(true);
  }
}
