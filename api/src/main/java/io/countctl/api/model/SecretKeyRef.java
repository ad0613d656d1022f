package io.countctl.api.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** One key of a Secret in the resource's namespace, made by the user (the operator only refers to it). */
public class SecretKeyRef {
  @Required
  @Pattern(CounterSpecs.SECRET_NAME_PATTERN)
  @JsonPropertyDescription("Name of the Secret.")
  private String name;

  @Required
  @Pattern(CounterSpecs.SECRET_KEY_PATTERN)
  @JsonPropertyDescription("Key in the Secret whose value is used.")
  private String key;

  public SecretKeyRef() {
  }

  public SecretKeyRef(String name, String key) {
    this.name = name;
    this.key = key;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getKey() {
    return key;
  }

  public void setKey(String key) {
    this.key = key;
  }
}
