package io.countctl.api.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.countctl.api.config.AckMode;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.ArrayList;
import java.util.List;

/**
 * What a platform team asks for; see docs/kubernetes.md for each field. Unset parts stay out of the
 * serialized resource (what {@code countctl create --dry-run} prints) and take their defaults.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class DistributedCounterSpec {
  @Required
  @JsonPropertyDescription("The existing Kafka cluster to use.")
  private KafkaSpec kafka;

  @Required
  @JsonPropertyDescription("The existing Redis of this region.")
  private RedisSpec redis;

  @Pattern(CounterSpecs.REGION_PATTERN)
  @Default("local")
  @JsonPropertyDescription("This region's name (COUNT_REGION).")
  private String region = "local";

  @JsonPropertyDescription("Other regions to merge counts with; a region-merge Deployment runs when set.")
  private List<PeerSpec> peers = new ArrayList<>();

  @JsonPropertyDescription("Secret key shared by all regions that authenticates region merges (COUNT_PEER_SECRET);"
      + " unset: this platform's generated internal secret, which the other regions do not know.")
  private SecretKeyRef peerSecretRef;

  @Default("durable")
  @JsonPropertyDescription("durable: a write is answered once Kafka has it; buffered: at once (COUNT_ACK_MODE).")
  private AckMode ackMode = AckMode.DURABLE;

  @Min(CounterSpecs.MIN_FLUSH_MS)
  @Max(CounterSpecs.MAX_FLUSH_MS)
  @JsonPropertyDescription("Edge flush interval in ms (COUNT_FLUSH_MS); unset: 5 when durable, 1000 when buffered.")
  private Integer flushIntervalMs;

  @JsonPropertyDescription("Edge nodes (HTTP and SSE frontends); default 2 replicas.")
  private EdgeSpec edge;

  @JsonPropertyDescription("Workers (reducers and live fan-out); default 2 replicas.")
  private ComponentSpec worker;

  @JsonPropertyDescription("Region-merge role and its Service, deployed only when peers are set; default 1 replica.")
  private RegionMergeSpec regionMerge;

  @JsonPropertyDescription("Downtime handler (resubscribes frontends when a worker dies); default 1 replica.")
  private ComponentSpec downtimeHandler;

  @JsonPropertyDescription("Where the images come from; defaults from the operator's installation.")
  private ImageSpec image;

  @JsonPropertyDescription("Per-counter sketch options (unique-count sketch size, top-K size and windows);"
      + " counters not listed take the defaults. Unique counts and top-K need no entry: a write's user and"
      + " item feed them for every counter (COUNT_COUNTER_OPTIONS).")
  private List<CounterOptions> counters = new ArrayList<>();

  public KafkaSpec getKafka() {
    return kafka;
  }

  public void setKafka(KafkaSpec kafka) {
    this.kafka = kafka;
  }

  public RedisSpec getRedis() {
    return redis;
  }

  public void setRedis(RedisSpec redis) {
    this.redis = redis;
  }

  public String getRegion() {
    return region;
  }

  public void setRegion(String region) {
    this.region = region;
  }

  public List<PeerSpec> getPeers() {
    return peers;
  }

  public void setPeers(List<PeerSpec> peers) {
    this.peers = peers;
  }

  public SecretKeyRef getPeerSecretRef() {
    return peerSecretRef;
  }

  public void setPeerSecretRef(SecretKeyRef peerSecretRef) {
    this.peerSecretRef = peerSecretRef;
  }

  public AckMode getAckMode() {
    return ackMode;
  }

  public void setAckMode(AckMode ackMode) {
    this.ackMode = ackMode;
  }

  public Integer getFlushIntervalMs() {
    return flushIntervalMs;
  }

  public void setFlushIntervalMs(Integer flushIntervalMs) {
    this.flushIntervalMs = flushIntervalMs;
  }

  public EdgeSpec getEdge() {
    return edge;
  }

  public void setEdge(EdgeSpec edge) {
    this.edge = edge;
  }

  public ComponentSpec getWorker() {
    return worker;
  }

  public void setWorker(ComponentSpec worker) {
    this.worker = worker;
  }

  public RegionMergeSpec getRegionMerge() {
    return regionMerge;
  }

  public void setRegionMerge(RegionMergeSpec regionMerge) {
    this.regionMerge = regionMerge;
  }

  public ComponentSpec getDowntimeHandler() {
    return downtimeHandler;
  }

  public void setDowntimeHandler(ComponentSpec downtimeHandler) {
    this.downtimeHandler = downtimeHandler;
  }

  public ImageSpec getImage() {
    return image;
  }

  public void setImage(ImageSpec image) {
    this.image = image;
  }

  public List<CounterOptions> getCounters() {
    return counters;
  }

  public void setCounters(List<CounterOptions> counters) {
    this.counters = counters;
  }
}
