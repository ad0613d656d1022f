package io.countctl.core.config;

/** A setting that is missing or has a bad value; the message names the setting. */
public final class ConfigException extends IllegalArgumentException {
  public ConfigException(String message) {
    super(message);
  }
}
