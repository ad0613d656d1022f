package io.countctl.api.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** The existing Kafka cluster this platform uses; the operator does not install Kafka. */
public class KafkaSpec {
  @Required
  @Pattern("^[^,\\s]+:[0-9]+(,[^,\\s]+:[0-9]+)*$")
  @JsonPropertyDescription("Bootstrap servers, host:port[,host:port…] (COUNT_KAFKA_BOOTSTRAP).")
  private String bootstrapServers;

  @Min(1)
  @Max(10000)
  @Default("8")
  @JsonPropertyDescription("Partitions of the topics the platform creates when they are missing.")
  private Integer partitions = 8;

  @Min(1)
  @Max(10)
  @Default("3")
  @JsonPropertyDescription("Replication factor of the topics the platform creates.")
  private Integer replicationFactor = 3;

  public String getBootstrapServers() {
    return bootstrapServers;
  }

  public void setBootstrapServers(String bootstrapServers) {
    this.bootstrapServers = bootstrapServers;
  }

  public Integer getPartitions() {
    return partitions;
  }

  public void setPartitions(Integer partitions) {
    this.partitions = partitions;
  }

  public Integer getReplicationFactor() {
    return replicationFactor;
  }

  public void setReplicationFactor(Integer replicationFactor) {
    this.replicationFactor = replicationFactor;
  }
}
