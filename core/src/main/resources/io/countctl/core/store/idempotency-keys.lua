-- Idempotency keys, shared by the scripts that read or write them (CounterStore prepends this file).
-- A key is a field of a bucket hash {c}:ik:<hour>:<shard> (IdempotencyLayout): the field is a
-- 12-byte digest of the key's scope (counter + token), the value one state byte, 'r' reserved
-- by an edge or 'c' counted by a worker, then the first 6 characters (36 bits) of the fingerprint of the
-- write the key was first used for. Buckets expire whole; a lookup reads the current bucket and
-- the `span` before it, which together cover the window. Until they expire, keys of earlier
-- versions are honoured too: the per-counter hash {c}:ik:<scope> (fields 'f', 'c') and the global
-- string {c}:idem:<token>.
local IK = {}
-- prefix: '{c}:ik:'  now: the caller's clock (ms)  bucketMs, span: see IdempotencyLayout
-- legacyGlobal: '{c}:idem:'
function IK.init(prefix, now, bucketMs, span, legacyGlobal)
  IK.prefix = prefix
  IK.now = tonumber(now)
  IK.bucketMs = tonumber(bucketMs)
  IK.span = tonumber(span)
  IK.current = math.floor(IK.now / IK.bucketMs)
  IK.legacyGlobal = legacyGlobal
end
function IK.key(bucket, shard)
  return IK.prefix .. string.format('%d', bucket) .. ':' .. shard
end
-- The bucket holding a key and its value, newest first (a retry usually comes soon), or nil.
function IK.find(shard, field)
  for b = IK.current, IK.current - IK.span, -1 do
    local v = redis.call('HGET', IK.key(b, shard), field)
    if v then
      return b, v
    end
  end
  return nil, nil
end
-- Stores a key in the current bucket; the bucket lives until no lookup can reach it (one bucket
-- more, for callers whose clocks disagree a little).
function IK.put(shard, field, value)
  local k = IK.key(IK.current, shard)
  redis.call('HSET', k, field, value)
  redis.call('PEXPIRE', k, string.format('%d', (IK.current + IK.span + 2) * IK.bucketMs - IK.now))
end
-- An earlier version's per-counter key: its fingerprint (or nil) and whether it was counted.
function IK.legacy(scope)
  local v = redis.call('HMGET', IK.prefix .. scope, 'f', 'c')
  return v[1] or nil, v[2] ~= false and v[2] ~= nil
end
-- Whether a key was counted: in the buckets, or by an earlier version.
function IK.counted(scope, token, shard, field)
  local _, v = IK.find(shard, field)
  if v and string.sub(v, 1, 1) == 'c' then
    return true
  end
  local _, c = IK.legacy(scope)
  return c or redis.call('EXISTS', IK.legacyGlobal .. token) == 1
end
-- Counts a key if it was not counted before; true when it is new. The key keeps the fingerprint
-- it was bound to (by an edge, or an earlier version) or gets `fingerprint`, and moves to the
-- current bucket, so it lives a full window from its counting.
function IK.count(scope, token, shard, field, fingerprint)
  local b, v = IK.find(shard, field)
  if v and string.sub(v, 1, 1) == 'c' then
    return false
  end
  local f, c = IK.legacy(scope)
  if c or redis.call('EXISTS', IK.legacyGlobal .. token) == 1 then
    return false
  end
  local bound = (v and string.sub(v, 2)) or (f and string.sub(f, 1, 6)) or string.sub(fingerprint, 1, 6)
  if b and b ~= IK.current then
    redis.call('HDEL', IK.key(b, shard), field)
  end
  IK.put(shard, field, 'c' .. bound)
  return true
end
