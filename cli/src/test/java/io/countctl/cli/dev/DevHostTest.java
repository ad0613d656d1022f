package io.countctl.cli.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.countctl.api.config.AckMode;
import io.countctl.cli.CountCtl;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code --host}: loopback by default; the components reach each other on an address they bind. */
class DevHostTest {
  static DevPlatform.Options options(String host) {
    return new DevPlatform.Options(Path.of("x"), 8080, AckMode.DURABLE, 5, 1, 2, "c", false, "local", 0, "", host);
  }

  static DevCommand parse(String... args) {
    CommandLine.ParseResult r = CountCtl.commandLine().parseArgs(args);
    return (DevCommand) r.subcommand().commandSpec().userObject();
  }

  @Test
  void loopbackByDefaultAndOpenedByHost() {
    assertEquals("127.0.0.1", parse("dev").host);
    assertEquals("0.0.0.0", parse("dev", "--host", "0.0.0.0").host);
    assertEquals(0, CountCtl.commandLine().execute("dev", "--help"));
  }

  @Test
  void anyOriginMayCallTheDevEdgeUnlessCorsSaysOtherwise() {
    assertEquals("*", parse("dev").cors);
    assertEquals("*", options("127.0.0.1").cors());
    assertEquals("https://app.example,http://localhost:5173",
        parse("dev", "--cors", "https://app.example,http://localhost:5173").cors);
    assertEquals("", parse("dev", "--cors", "").cors);
  }

  @Test
  void componentsReachEachOtherOnAnAddressTheyBind() {
    assertEquals("127.0.0.1", options("127.0.0.1").localHost());
    assertEquals("127.0.0.1", options("0.0.0.0").localHost(), "every interface includes loopback");
    assertEquals("192.0.2.7", options("192.0.2.7").localHost(), "loopback is not bound then");
    assertEquals("[fd00::7]", options("fd00::7").localHost());
    assertEquals("192.0.2.7", DevCommand.shownHost("192.0.2.7"));
    assertNotEquals("0.0.0.0", DevCommand.shownHost("0.0.0.0"), "a URL names a reachable host, not the wildcard");
  }
}
