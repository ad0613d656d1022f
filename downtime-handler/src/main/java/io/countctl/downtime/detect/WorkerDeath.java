package io.countctl.downtime.detect;

/**
 * A worker found dead.
 *
 * @param worker the worker id (its pod name in Kubernetes)
 * @param source how it was found: {@code pod-deleted}, {@code pod-restarted}, {@code pod-missing}, {@code heartbeat}
 * @param atMs when it was found (epoch ms); registrations newer than this belong to a successor
 */
public record WorkerDeath(String worker, String source, long atMs) {}
