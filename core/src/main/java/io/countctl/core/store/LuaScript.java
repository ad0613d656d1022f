package io.countctl.core.store;

import java.util.List;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/** A Lua script run by its SHA, loaded again when Redis has forgotten it (restart, flush). */
final class LuaScript {
  private final String source;
  private volatile String sha;

  LuaScript(String resource) {
    this(resource, false);
  }

  /** @param idempotencyKeys whether the script uses {@code idempotency-keys.lua}'s functions */
  LuaScript(String resource, boolean idempotencyKeys) {
    this.source = idempotencyKeys ? CounterStore.withKeys(resource) : CounterStore.loadScript(resource);
  }

  Object eval(Jedis j, List<byte[]> args) {
    String s = sha;
    if (s != null) {
      try {
        return j.evalsha(s.getBytes(java.nio.charset.StandardCharsets.UTF_8), List.of(), args);
      } catch (JedisNoScriptException e) {
        // load again below
      }
    }
    sha = j.scriptLoad(source);
    return j.evalsha(sha.getBytes(java.nio.charset.StandardCharsets.UTF_8), List.of(), args);
  }

  Object eval(Jedis j, List<String> keys, List<String> args) {
    String s = sha;
    if (s != null) {
      try {
        return j.evalsha(s, keys, args);
      } catch (JedisNoScriptException e) {
        // load again below
      }
    }
    sha = j.scriptLoad(source);
    return j.evalsha(sha, keys, args);
  }
}
