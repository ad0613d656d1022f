package io.countctl.edge.ingest;

import io.countctl.core.batch.KeyedDelta;

/**
 * A keyed write queued for the flush, and whether this edge's reads may show it before the store
 * has it. Every keyed write goes to Kafka (the worker counts its token once); only one known to be
 * the first use of its key is shown: a retry's first attempt may already be in the stored total or
 * in flight, and a read must never count a write twice.
 */
record KeyedWrite(KeyedDelta delta, boolean shown) {}
