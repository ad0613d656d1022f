package io.countctl.api.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * Sketch options of one counter name ({@code likes}, {@code views}, …): the size of its unique-count
 * sketch, its top-K and the windows top-K is kept for. Unset options take the defaults, so that
 * only what was asked for reaches {@code COUNT_COUNTER_OPTIONS}. Unique counts and top-K need no
 * entry here at all: a write's {@code user} and {@code item} feed them for every counter.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!(has(self.windows) && has(self.topK) && self.topK == 0)",
    message = "windows are kept for top-K, which topK: 0 turns off: drop one of them")
// Objects stored under an older schema still carry "unique: true" (it did nothing): a real server
// prunes it once the new CRD is installed, this keeps the operator reading them where none does.
@JsonIgnoreProperties(ignoreUnknown = true)
public class CounterOptions {
  @Required
  @Pattern(CounterSpecs.COUNTER_NAME_PATTERN)
  @JsonPropertyDescription("The counter's name as in PUT /v1/{id}/{counter}.")
  private String name;

  @Min(CounterSpecs.MIN_LGK)
  @Max(CounterSpecs.MAX_LGK)
  @JsonPropertyDescription("Size of the unique-count sketch (CPC, fed by \"user\" on writes) as lgK, log2 of"
      + " its slots: 10..16; unset: 13, a 0.77 % standard error in at most about 5 KB per deltas partition the"
      + " counter's writes reach (each partition's owner keeps its own sketch). Each step up divides the error"
      + " by 1.4 and doubles the bytes.")
  private Integer uniqueLgK;

  @Min(0)
  @Max(CounterSpecs.MAX_TOPK)
  @JsonPropertyDescription("Largest k a client may ask /top for, and the size of the frequent-items sketches"
      + " (top users and top items, fed by \"user\" and \"item\" on writes); 0 turns top-K off for this"
      + " counter; at most 1000; unset: 32.")
  private Integer topK;

  @Size(min = 1, max = 5)
  @ValidationRule(value = "self.all(w, self.exists_one(x, x == w))", message = "windows must not repeat a window")
  @JsonPropertyDescription("Windows top-K is kept for, each of 1m, 10m, 1h, 24h and all, none twice; unset:"
      + " all five. Each window kept costs another set of top-K sketches in Redis.")
  // maxLength on the items bounds the cost the API server estimates for the rule above.
  private List<@Pattern(CounterSpecs.WINDOW_PATTERN) @Size(max = 3) String> windows;

  public CounterOptions() {
  }

  public CounterOptions(String name) {
    this.name = name;
  }

  public CounterOptions(String name, Integer uniqueLgK, Integer topK, List<String> windows) {
    this.name = name;
    this.uniqueLgK = uniqueLgK;
    this.topK = topK;
    this.windows = windows;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public Integer getUniqueLgK() {
    return uniqueLgK;
  }

  public void setUniqueLgK(Integer uniqueLgK) {
    this.uniqueLgK = uniqueLgK;
  }

  public Integer getTopK() {
    return topK;
  }

  public void setTopK(Integer topK) {
    this.topK = topK;
  }

  public List<String> getWindows() {
    return windows;
  }

  public void setWindows(List<String> windows) {
    this.windows = windows;
  }
}
