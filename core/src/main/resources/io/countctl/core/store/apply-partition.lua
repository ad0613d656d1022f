-- Applies one worker commit for one Kafka partition, atomically (a Lua script runs alone):
-- the counter sums, the partition's next offset and the edges' high-water marks change together,
-- or not at all. The offset is compare-and-set, so a worker that lost the partition in a
-- rebalance (a zombie) cannot apply anything after the new owner did.
--
-- KEYS[1] offsets hash (partition -> next offset to read)
-- KEYS[2] high-water marks hash of this partition (edge id -> "epoch:seq")
-- ARGV[1] partition  ARGV[2] expected next offset ('' when none stored)  ARGV[3] new next offset
-- ARGV[4] now (ms)   ARGV[5] counter key prefix   ARGV[6] number of marks
-- then marks as (edge, mark) pairs, then deltas as (counter key, p, n) triples.
-- Returns {0, stored offset} when fenced, {2, counter key} on overflow, else {1, p1, n1, p2, n2, ...}
-- with each counter's new parts as strings (Lua numbers are doubles: strings keep 64-bit exact).
local stored = redis.call('HGET', KEYS[1], ARGV[1])
if stored == false then stored = '' end
if stored ~= ARGV[2] then
  return {0, stored}
end
local marks = tonumber(ARGV[6])
local first = 7 + 2 * marks
local prefix = ARGV[5]
-- Refuse rather than wrap or half-apply: check every sum before writing anything.
-- (Doubles are approximate near 2^63, so the check errs on the side of refusing.)
for i = first, #ARGV, 3 do
  local k = prefix .. ARGV[i]
  local cur = redis.call('HMGET', k, 'p', 'n')
  if (tonumber(cur[1] or '0') + tonumber(ARGV[i + 1])) >= 9.2e18
      or (tonumber(cur[2] or '0') + tonumber(ARGV[i + 2])) >= 9.2e18 then
    return {2, ARGV[i]}
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
for i = 7, first - 1, 2 do
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
end
local out = {1}
for i = first, #ARGV, 3 do
  local k = prefix .. ARGV[i]
  if ARGV[i + 1] ~= '0' then redis.call('HINCRBY', k, 'p', ARGV[i + 1]) end
  if ARGV[i + 2] ~= '0' then redis.call('HINCRBY', k, 'n', ARGV[i + 2]) end
  redis.call('HSET', k, 't', ARGV[4])
  local v = redis.call('HMGET', k, 'p', 'n')
  out[#out + 1] = v[1] or '0'
  out[#out + 1] = v[2] or '0'
end
return out
