package io.countctl.edge.http;

import java.time.Duration;

/**
 * What one client may make the edge hold: body, header and request-line sizes, how long a
 * connection may stay silent or take to send a request, and how many connections and SSE streams
 * the edge keeps open. Part of {@link io.countctl.edge.EdgeConfig} (parsed there).
 *
 * @param maxWriteBodyBytes a single write's body ({@code PUT /v1/{id}/{counter}}): a few hundred bytes are plenty
 * @param maxBodyBytes {@code POST /v1/batch} and the internal webhook
 * @param maxHeaderBytes all headers of a request together (431 past it)
 * @param maxUrlBytes the request line (414 past it)
 * @param idleTimeout no message read or written for this long closes the connection (an unfinished head included)
 * @param requestReadTimeout each request's body must arrive within it after the head
 * @param maxConnections open connections on the public port; requests on the ones past it get 503
 * @param maxStreams open SSE streams ({@code /stream}); more get 503
 * @param maxStreamOpensPerMinute SSE streams one connection may open per minute; more get 429
 */
public record HttpLimits(
    int maxWriteBodyBytes,
    int maxBodyBytes,
    int maxHeaderBytes,
    int maxUrlBytes,
    Duration idleTimeout,
    Duration requestReadTimeout,
    int maxConnections,
    int maxStreams,
    int maxStreamOpensPerMinute) {}
