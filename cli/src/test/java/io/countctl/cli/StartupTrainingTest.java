package io.countctl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class StartupTrainingTest {
  /**
   * The start-up cache only holds what its training run loaded: if get/inc stopped succeeding
   * against the stand-in edge (a changed reply format, a renamed option), the cache would cover
   * only the error path and every short command would start slower without anyone noticing.
   */
  @Test
  void everyTrainingCommandTakesItsSuccessfulPath() throws Exception {
    PrintStream out = System.out;
    PrintStream err = System.err;
    List<Integer> codes;
    try {
      PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
      System.setOut(quiet);
      System.setErr(quiet);
      codes = StartupTraining.run(quiet);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    List<String[]> runs = StartupTraining.runs("http://stand-in", "kubeconfig");
    assertEquals(runs.size(), codes.size());
    for (int i = 0; i < runs.size(); i++) {
      boolean refused = String.join(" ", runs.get(i)).contains(StartupTraining.REFUSED);
      assertEquals(refused ? 1 : 0, codes.get(i), "exit code of countctl " + String.join(" ", runs.get(i)));
    }
  }
}
