package io.countctl.edge.ingest;

import io.countctl.core.key.CounterKey;

/**
 * An unkeyed increment's {@code user} / {@code item} (either may be null) and its weight, waiting
 * in its generation until the flusher folds it into the flush's sketches. Its count went into the
 * table like any write's.
 */
record SketchedWrite(CounterKey key, String user, String item, long weight) {}
