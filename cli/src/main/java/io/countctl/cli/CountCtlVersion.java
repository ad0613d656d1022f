package io.countctl.cli;

import picocli.CommandLine.IVersionProvider;

/** Reads the version from the jar manifest, so it follows the Maven project version. */
public final class CountCtlVersion implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = CountCtl.class.getPackage().getImplementationVersion();
    return new String[] {"countctl " + (v == null ? "dev" : v)};
  }
}
