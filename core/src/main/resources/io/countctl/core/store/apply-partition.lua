-- Applies one worker commit for one Kafka partition, atomically (a Lua script runs alone):
-- the counter sums, the partition's next offset and the edges' high-water marks change together,
-- or not at all. The offset is compare-and-set, so a worker that lost the partition in a
-- rebalance (a zombie) cannot apply anything after the new owner did.
--
-- KEYS[1] offsets hash (partition -> next offset to read)
-- KEYS[2] high-water marks hash of this partition (edge id -> "epoch:seq")
-- KEYS[3] region change log (sorted set counter -> sequence)  KEYS[4] its sequence (see below)
-- KEYS[5] replayed dead letters (hash replay identity -> applied at ms)
-- ARGV[1] partition  ARGV[2] expected next offset ('' when none stored)  ARGV[3] new next offset
-- ARGV[4] now (ms)   ARGV[5] counter key prefix   ARGV[6] number of marks
-- ARGV[7] number of keyed writes  ARGV[8] prefix of earlier versions' global idempotency keys
-- ARGV[9] idempotency bucket length (ms)
-- ARGV[10] prefix of other regions' entries (read back with the new state when regions are on)
-- ARGV[11] number of sketch writes  ARGV[12] prefix of the idempotency keys '{c}:ik:'
-- ARGV[13] now for the idempotency keys (ms)  ARGV[14] buckets a lookup reads before the current
-- ARGV[15] number of replayed dead letters
-- then marks as (edge, mark) pairs, then the replayed dead letters' identities, then keyed writes
-- as (scope, counter key, p, n, check, fingerprint, token, shard, field) nonuples (scope:
-- counter/token; shard, field: where its key lives, see idempotency-keys.lua; check: '1' the
-- worker assumed the key not counted, '0' counted, '' nothing assumed), then
-- sketch writes as (hash key, field, serialized sketch, expire-at ms or '0') quads, then
-- deltas as (counter key, p, n) triples: one per counter touched, keyed writes' counters included.
-- Returns {0, stored offset} when fenced, {2, counter key} on overflow, {3} when a keyed write's
-- token no longer is what the worker assumed when it weighed the write's item, {4, identity} when
-- a replayed dead letter was applied before, else
-- {1, p1, n1, v1, r1, p2, n2, v2, r2, ..., duplicates} with each delta counter's new parts and
-- version as strings (Lua numbers are doubles: strings keep 64-bit exact), its other regions'
-- entries (HGETALL of the remote hash, empty when regions are off) and the number of keyed writes
-- skipped. The version field 'v' of a counter is bumped here with its value, in the same script,
-- so live readers can order states of a counter (another writer of the value must bump it too).
local stored = redis.call('HGET', KEYS[1], ARGV[1])
if stored == false then stored = '' end
if stored ~= ARGV[2] then
  return {0, stored}
end
local marks = tonumber(ARGV[6])
local keyed = tonumber(ARGV[7])
local firstReplay = 16 + 2 * marks
local firstKeyed = firstReplay + tonumber(ARGV[15])
local firstSketch = firstKeyed + 9 * keyed
local firstDelta = firstSketch + 4 * tonumber(ARGV[11])
local prefix = ARGV[5]
-- A replayed dead letter counts once: copies of one replay may sit on several partitions (each
-- owned by another worker) and a replay may be run twice, so the check is here, atomic with the
-- apply that records it below. Ordinary records carry none: nothing more to read for them.
for i = firstReplay, firstKeyed - 1 do
  if redis.call('HEXISTS', KEYS[5], ARGV[i]) == 1 then
    return {4, ARGV[i]}
  end
end
IK.init(ARGV[12], ARGV[13], ARGV[9], ARGV[14], ARGV[8])
-- Whether a keyed write's key was counted before (see idempotency-keys.lua).
local function counted(i)
  return IK.counted(ARGV[i], ARGV[i + 6], ARGV[i + 7], ARGV[i + 8])
end
-- The sketches were folded by the worker assuming each keyed write's token new or seen: check
-- those assumptions before writing anything (a token repeated within the commit is seen).
local seenHere = {}
for i = firstKeyed, firstSketch - 1, 9 do
  if ARGV[i + 4] ~= '' then
    local seen = seenHere[ARGV[i]] or counted(i)
    if (ARGV[i + 4] == '1') == seen then
      return {3}
    end
  end
  seenHere[ARGV[i]] = true
end
-- Refuse rather than wrap or half-apply: check every sum before writing anything, counting each
-- keyed write as if new. (Doubles are approximate near 2^63, so the check errs on refusing.)
local extra = {}
for i = firstKeyed, firstSketch - 1, 9 do
  local e = extra[ARGV[i + 1]] or {0, 0}
  extra[ARGV[i + 1]] = {e[1] + tonumber(ARGV[i + 2]), e[2] + tonumber(ARGV[i + 3])}
end
for i = firstDelta, #ARGV, 3 do
  local cur = redis.call('HMGET', prefix .. ARGV[i], 'p', 'n')
  local e = extra[ARGV[i]] or {0, 0}
  if (tonumber(cur[1] or '0') + tonumber(ARGV[i + 1]) + e[1]) >= 9.2e18
      or (tonumber(cur[2] or '0') + tonumber(ARGV[i + 2]) + e[2]) >= 9.2e18 then
    return {2, ARGV[i]}
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
for i = 16, firstReplay - 1, 2 do
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
end
for i = firstReplay, firstKeyed - 1 do
  redis.call('HSET', KEYS[5], ARGV[i], ARGV[4])
end
-- Each partition's sketches live in their own field, written only by the partition's owner (the
-- offset check above fences any other), so a read-merge-write in the worker loses nothing.
for i = firstSketch, firstDelta - 1, 4 do
  redis.call('HSET', ARGV[i], ARGV[i + 1], ARGV[i + 2], 't', ARGV[4])
  if ARGV[i + 3] ~= '0' then
    redis.call('PEXPIREAT', ARGV[i], ARGV[i + 3])
  end
end
-- Region path: once the region-merge role has switched the change log on (KEYS[4] exists), each
-- counter this commit touches gets a new sequence number in the log, atomically with its change,
-- so the role finds what changed without scanning and never misses a change.
local regions = redis.call('EXISTS', KEYS[4]) == 1
if regions then
  for i = firstDelta, #ARGV, 3 do
    redis.call('ZADD', KEYS[3], redis.call('INCR', KEYS[4]), ARGV[i])
  end
end
-- A keyed write counts only if its key was not counted before (within the window). The key
-- keeps the fingerprint the edge bound it to (or gets this write's) and lives a full window from now.
local duplicates = 0
for i = firstKeyed, firstSketch - 1, 9 do
  if IK.count(ARGV[i], ARGV[i + 6], ARGV[i + 7], ARGV[i + 8], ARGV[i + 5]) then
    local k = prefix .. ARGV[i + 1]
    if ARGV[i + 2] ~= '0' then redis.call('HINCRBY', k, 'p', ARGV[i + 2]) end
    if ARGV[i + 3] ~= '0' then redis.call('HINCRBY', k, 'n', ARGV[i + 3]) end
  else
    duplicates = duplicates + 1
  end
end
local out = {1}
for i = firstDelta, #ARGV, 3 do
  local k = prefix .. ARGV[i]
  if ARGV[i + 1] ~= '0' then redis.call('HINCRBY', k, 'p', ARGV[i + 1]) end
  if ARGV[i + 2] ~= '0' then redis.call('HINCRBY', k, 'n', ARGV[i + 2]) end
  redis.call('HSET', k, 't', ARGV[4])
  local version = redis.call('HINCRBY', k, 'v', 1)
  local v = redis.call('HMGET', k, 'p', 'n')
  out[#out + 1] = v[1] or '0'
  out[#out + 1] = v[2] or '0'
  out[#out + 1] = tostring(version)
  -- with regions, the other regions' entries as of this same moment: the published state is global
  out[#out + 1] = regions and redis.call('HGETALL', ARGV[10] .. ARGV[i]) or {}
end
out[#out + 1] = duplicates
return out
