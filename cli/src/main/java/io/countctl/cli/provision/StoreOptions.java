package io.countctl.cli.provision;

import io.countctl.api.model.DistributedCounterSpec;
import io.countctl.api.model.KafkaSpec;
import io.countctl.api.model.RedisSpec;
import picocli.CommandLine.Option;

/** {@code --kafka --redis --partitions --replication}: the Kafka and Redis a platform runs on. */
public final class StoreOptions {
  @Option(names = "--kafka", description = "Kafka bootstrap servers, host:port[,host:port].")
  String kafka;

  @Option(names = "--redis", description = "Redis URL, redis://host:6379.")
  String redis;

  @Option(names = "--partitions", description = "Partitions of topics created when missing (default 8).")
  Integer partitions;

  @Option(names = "--replication", description = "Replication factor of those topics (default 3).")
  Integer replication;

  /** Sets what was given over what {@code spec} has; Kafka and Redis must end up known. */
  void applyTo(DistributedCounterSpec spec) {
    if (kafka != null) {
      spec.setKafka(spec.getKafka() == null ? new KafkaSpec() : spec.getKafka());
      spec.getKafka().setBootstrapServers(kafka);
    }
    if (spec.getKafka() == null) {
      throw new ProvisionException(2, "--kafka is required: the bootstrap servers of your Kafka, e.g. --kafka kafka:9092");
    }
    if (partitions != null) {
      spec.getKafka().setPartitions(partitions);
    }
    if (replication != null) {
      spec.getKafka().setReplicationFactor(replication);
    }
    if (redis != null) {
      spec.setRedis(new RedisSpec());
      spec.getRedis().setUrl(redis);
    }
    if (spec.getRedis() == null) {
      throw new ProvisionException(2, "--redis is required: the URL of your Redis, e.g. --redis redis://redis:6379");
    }
  }
}
