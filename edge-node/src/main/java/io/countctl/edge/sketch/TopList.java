package io.countctl.edge.sketch;

/**
 * One version of a watched top-K list: {@code id} grows with every change on this edge, {@code data}
 * is the JSON of {@code GET /top}, {@code ranking} what a change is judged by (values and estimates).
 */
record TopList(long id, String data, String ranking) {}
