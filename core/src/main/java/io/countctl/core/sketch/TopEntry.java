package io.countctl.core.sketch;

/** One value of a top-K list: its estimated weight and bounds that hold the true weight. */
public record TopEntry(String value, long estimate, long lower, long upper) {}
