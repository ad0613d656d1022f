package io.countctl.cli.dlq;

import io.countctl.core.config.Topics;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code countctl dlq list|replay}: what the workers set aside on {@code <cluster>.deltas.dlq}, and putting it back. */
@Command(name = "dlq", mixinStandardHelpOptions = true,
    description = {"Dead letters: flush records the workers could not apply (undecodable, or a counter would overflow),",
        "kept on <cluster>.deltas.dlq with the reason. List them; replay them once the cause is fixed."},
    subcommands = {DlqCommand.List.class, DlqCommand.Replay.class})
public final class DlqCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "list", mixinStandardHelpOptions = true, sortOptions = false,
      description = "Show each dead letter: position, time, reason, the batch's edge and size. Reads the topic once and exits.")
  static final class List implements Callable<Integer> {
    @Mixin
    DlqTarget target;

    @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table, json or yaml (default: ${DEFAULT-VALUE}).")
    String output;

    @Option(names = "--since", description = "Only dead letters set aside at or after this time: ISO-8601 (2026-12-01T10:00:00Z) or a duration back from now (90m, 24h, 7d, PT1H).")
    String since;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      PrintStream out = System.out;
      return run(() -> {
        DlqOutput format = DlqOutput.parse(output);
        Instant from = Since.parse(since, Instant.now());
        java.util.List<DeadLetter> letters = new ArrayList<>();
        DeadLetterLog.readAll(target.bootstrap(), new Topics(target.cluster).deltasDlq(), r -> {
          DeadLetter d = DeadLetter.of(r);
          if (!d.time().isBefore(from)) {
            letters.add(d);
          }
        });
        format.print(letters, out);
      }, spec);
    }
  }

  @Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Send dead letters back through the normal exactly-once apply, once their cause is fixed.",
          "Each is sent to <cluster>.deltas marked count-replay-of=<dlq partition>:<offset>; a worker applies a",
          "replayed batch once however often it is replayed, and sets it aside again (with its reason) if it fails again."})
  static final class Replay implements Callable<Integer> {
    @Mixin
    DlqTarget target;

    @Option(names = "--since", description = "Only dead letters set aside at or after this time: ISO-8601 or a duration back from now (90m, 24h, 7d, PT1H).")
    String since;

    @Option(names = "--dry-run", description = "Show what would be replayed; send nothing.")
    boolean dryRun;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      return run(() -> {
        Instant from = Since.parse(since, Instant.now());
        String bootstrap = target.bootstrap();
        Topics topics = new Topics(target.cluster);
        java.util.List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> chosen = new ArrayList<>();
        DeadLetterLog.readAll(bootstrap, topics.deltasDlq(), r -> {
          if (!DeadLetter.of(r).time().isBefore(from)) {
            chosen.add(r);
          }
        });
        PrintStream out = System.out;
        java.util.List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> sends = Replayer.onePerBatch(chosen);
        for (var r : sends) {
          DeadLetter d = DeadLetter.of(r);
          out.printf("%s %s  %s  %s%n", dryRun ? "would replay" : "replaying", d.position(), d.edge() == null ? "-" : d.edge(),
              d.reason());
        }
        if (!dryRun && !sends.isEmpty()) {
          Replayer.send(bootstrap, topics.deltas(), sends);
        }
        out.printf("%s %d dead letter(s) to %s%s%n", dryRun ? "would replay" : "replayed", sends.size(), topics.deltas(),
            chosen.size() > sends.size() ? " (" + (chosen.size() - sends.size()) + " more were earlier failures of the same batches)" : "");
      }, spec);
    }
  }

  private static int run(Runnable body, CommandSpec spec) {
    try {
      body.run();
      return 0;
    } catch (DlqException | IllegalArgumentException e) {
      System.err.println("countctl dlq: " + e.getMessage());
      return 1;
    }
  }
}
