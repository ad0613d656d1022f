package io.countctl.api.config;

import java.util.EnumSet;
import java.util.Set;

/**
 * How some components read one setting: the default they fall back to, what it means to them and,
 * for components the operator deploys, whether the operator sets it.
 *
 * @param readers the components that read it this way
 * @param defaultValue what an unset (or blank) setting means; Markdown; {@code ""} is "none"
 * @param literalDefault whether {@code defaultValue} is a value that, set explicitly, configures the
 *     component exactly as leaving it unset does (tests check that); false for "required" and for
 *     defaults that are computed (host names, core counts, another setting)
 * @param meaning one line, Markdown
 * @param unmanagedReason null when the operator sets it on the readers' Deployments; otherwise why it
 *     does not (a tuning knob whose default fits, or only {@code countctl dev} and tests set it)
 */
public record SettingUse(Set<Component> readers, String defaultValue, boolean literalDefault, String meaning,
    String unmanagedReason) {

  /** Reason of a limit, interval or size the DistributedCounter spec does not expose. */
  public static final String TUNING = "tuning knob: the default fits a platform, the DistributedCounter spec does not expose it";
  /** Reason of settings of programs the operator does not deploy. */
  public static final String NOT_DEPLOYED = "not deployed by the operator";

  public SettingUse {
    readers = Set.copyOf(EnumSet.copyOf(readers));
    if (readers.isEmpty()) {
      throw new IllegalArgumentException("a setting use needs a reader");
    }
  }

  /** Read by {@code readers} with this default; the operator sets it (see {@link #unmanaged}). */
  static SettingUse read(Set<Component> readers, String defaultValue, String meaning) {
    boolean deployed = readers.stream().anyMatch(Component::deployedByOperator);
    return new SettingUse(readers, defaultValue, true, meaning, deployed ? null : NOT_DEPLOYED);
  }

  static SettingUse read(Component reader, String defaultValue, String meaning) {
    return read(EnumSet.of(reader), defaultValue, meaning);
  }

  /** Read by {@code readers}, which refuse to start without it. */
  static SettingUse required(Set<Component> readers, String meaning) {
    return read(readers, "required", meaning).computed();
  }

  /** The default is described, not a value (a host name, the number of cores, another setting). */
  SettingUse computed() {
    return new SettingUse(readers, defaultValue, false, meaning, unmanagedReason);
  }

  /** The operator does not set it, for this reason. */
  SettingUse unmanaged(String reason) {
    return new SettingUse(readers, defaultValue, literalDefault, meaning, reason);
  }

  /** Whether the operator sets it on the Deployments of the readers it deploys. */
  public boolean setByOperator() {
    return unmanagedReason == null;
  }
}
