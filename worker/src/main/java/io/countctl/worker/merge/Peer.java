package io.countctl.worker.merge;

import java.net.URI;

/** A peer region and the base URL of its region-merge endpoint. */
public record Peer(String region, URI url) {
  /** Where shipments go. */
  public URI mergeUri() {
    String base = url.toString();
    return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + MergeEndpoint.PATH);
  }
}
