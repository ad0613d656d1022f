package io.countctl.cli;

import io.countctl.cli.data.CountCommands;
import io.countctl.cli.provision.ClusterOptions;
import io.countctl.cli.provision.CounterListing;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code countctl get}: with two arguments a count from an edge, with none or one the
 * DistributedCounters of the cluster — the two things a user "gets", told apart by their shape.
 */
@Command(name = "get", mixinStandardHelpOptions = true,
    description = {
        "countctl get <counter> <id>   read a count from an edge (0 if never written)",
        "countctl get [name]           list DistributedCounters in the cluster, or show one"},
    footer = {"", "Examples:",
        "  countctl get likes post-1 --url http://localhost:8080",
        "  countctl get likes post-1 --scope region",
        "  countctl get -n apps",
        "  countctl get likes -n apps -o yaml",
        "  countctl get -A"})
public final class GetCommand implements Callable<Integer> {
  @Parameters(arity = "0..2", paramLabel = "ARG", description = "<counter> <id>, or [name] of a DistributedCounter.")
  List<String> args = new ArrayList<>();

  @Option(names = "--url", defaultValue = "${env:COUNT_URL:-http://localhost:8080}",
      description = "Edge URL, for a count (default: ${DEFAULT-VALUE}).")
  URI url;

  @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table, json or yaml (default: ${DEFAULT-VALUE}).")
  String output;

  @Option(names = {"-A", "--all-namespaces"}, description = "DistributedCounters of every namespace.")
  boolean allNamespaces;

  @Option(names = "--scope", defaultValue = "global",
      description = "For a count: global (every region) or region (the edge's region only) (default: ${DEFAULT-VALUE}).")
  String scope;

  @Mixin ClusterOptions cluster;

  @Override
  public Integer call() {
    if (args.size() == 2) {
      return CountCommands.read(url, args.get(0), args.get(1), output, scope);
    }
    return CounterListing.run(cluster, args.isEmpty() ? null : args.getFirst(), allNamespaces, output, System.out);
  }
}
