package io.countctl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.cli.provision.CommandRun;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CountCtlTest {
  private static final List<String> ALL = List.of("help", "generate-completion", "dev", "inc", "dec", "get", "unique",
      "top", "create", "describe", "delete", "bench", "bench-live", "watch", "dlq");
  /** Not in help: what the completion script calls. */
  private static final List<String> HIDDEN = List.of("__complete");

  @Test
  void aCallBuildsOnlyTheSubcommandItNames() {
    assertEquals(Set.of("get"), CountCtl.commandLine(new String[] {"get", "likes", "post-1"}).getSubcommands().keySet());
    assertEquals(Set.of("create"), CountCtl.commandLine(new String[] {"create", "--help"}).getSubcommands().keySet());
    assertTrue(CountCtl.commandLine(new String[] {"--version"}).getSubcommands().isEmpty());
  }

  @Test
  void helpCompletionAndNoArgumentsSeeEveryCommand() {
    for (String[] args : List.of(new String[] {}, new String[] {"--help"}, new String[] {"help", "get"},
        new String[] {"generate-completion"})) {
      Set<String> every = new java.util.HashSet<>(ALL);
      every.addAll(HIDDEN);
      assertEquals(every, CountCtl.commandLine(args).getSubcommands().keySet(), String.join(" ", args));
    }
    CommandRun help = CommandRun.of("--help");
    assertEquals(0, help.exitCode(), help.toString());
    ALL.forEach(name -> assertTrue(help.out().contains(name), name + " missing from\n" + help));
    HIDDEN.forEach(name -> assertTrue(!help.out().contains(name), name + " listed in\n" + help));
  }

  @Test
  void aMistypedCommandIsAnsweredWithSuggestionsFromEveryCommand() {
    CommandRun typo = CommandRun.of("creat", "likes");
    assertEquals(2, typo.exitCode(), typo.toString());
    assertTrue(typo.err().contains("Did you mean") && typo.err().contains("countctl create"), typo.toString());
  }

  @Test
  void versionAndSubcommandHelpStillWork() {
    CommandRun version = CommandRun.of("--version");
    assertEquals(0, version.exitCode(), version.toString());
    assertTrue(version.out().startsWith("countctl"), version.toString());
    CommandRun getHelp = CommandRun.of("get", "--help");
    assertEquals(0, getHelp.exitCode(), getHelp.toString());
    assertTrue(getHelp.out().contains("Usage: countctl get"), getHelp.toString());
  }
}
