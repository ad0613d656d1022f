package io.countctl.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** Options of one counter name ({@code likes}, {@code views}, …): unique counting and top-K. */
public class CounterOptions {
  @Required
  @Pattern(CounterSpecs.COUNTER_NAME_PATTERN)
  @JsonPropertyDescription("The counter's name as in PUT /v1/{id}/{counter}.")
  private String name;

  @JsonPropertyDescription("Count distinct users (HyperLogLog) fed by \"user\" on writes.")
  private Boolean unique;

  @Min(0)
  @Max(1000)
  @JsonPropertyDescription("Keep the K most frequent items fed by \"item\" on writes; 0 turns it off.")
  private Integer topK;

  public CounterOptions() {
  }

  public CounterOptions(String name, boolean unique, int topK) {
    this.name = name;
    this.unique = unique;
    this.topK = topK;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public Boolean getUnique() {
    return unique;
  }

  public void setUnique(Boolean unique) {
    this.unique = unique;
  }

  public Integer getTopK() {
    return topK;
  }

  public void setTopK(Integer topK) {
    this.topK = topK;
  }
}
