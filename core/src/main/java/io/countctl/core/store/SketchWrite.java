package io.countctl.core.store;

/**
 * One partition's new serialized sketch, written by the apply script with the commit's counts.
 *
 * @param key the sketch hash ({@link RedisKeys#unique}, {@link RedisKeys#top})
 * @param field the partition's field ({@link RedisKeys#partitionField})
 * @param expireAtMillis when the hash may go (a window bucket), 0 for never
 */
public record SketchWrite(String key, String field, byte[] value, long expireAtMillis) {}
