-- Merges other regions' (P, N) entries into this region's store: per counter and region, the
-- larger of each part wins (both only grow in the region that owns them), so a shipment that is
-- repeated, reordered or stale changes nothing. An entry that grew is logged in the change log
-- (when on), which is how a region relays what it heard to its other peers, and bumps the
-- counter's version 'v' (in its own hash), as every change of a counter's global value must, so
-- live readers order it with this region's own changes.
--
-- KEYS[1] change log (sorted set)  KEYS[2] change log sequence  KEYS[3] last-heard hash
-- ARGV[1] remote entries key prefix  ARGV[2] number of last-heard pairs  ARGV[3] counter key prefix
-- then (region, ms) pairs, then (counter key, region, p, n, t) quintuples. Numbers are decimal
-- strings without sign or leading zeros (checked by the caller): compared as strings, they stay
-- exact beyond 2^53, where Lua's doubles would not.
-- Returns {number of entries that changed, then each counter key whose value changed, once}.
local function greater(a, b)
  if #a ~= #b then return #a > #b end
  return a > b
end
local prefix = ARGV[1]
local counterPrefix = ARGV[3]
local firstEntry = 4 + 2 * tonumber(ARGV[2])
for i = 4, firstEntry - 1, 2 do
  local cur = redis.call('HGET', KEYS[3], ARGV[i])
  if (not cur) or greater(ARGV[i + 1], cur) then
    redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1])
  end
end
local logging = redis.call('EXISTS', KEYS[2]) == 1
local changed = 0
local counters = {}
local seen = {}
for i = firstEntry, #ARGV, 5 do
  local h = prefix .. ARGV[i]
  local p, n, t = ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  local cur = redis.call('HGET', h, ARGV[i + 1])
  local grew, newer
  if cur then
    local cp, cn, ct = string.match(cur, '^(%d+):(%d+):(%d+)$')
    grew = greater(p, cp) or greater(n, cn)
    newer = greater(t, ct)
    if not greater(p, cp) then p = cp end
    if not greater(n, cn) then n = cn end
    if not newer then t = ct end
  else
    grew = p ~= '0' or n ~= '0'
    newer = grew
  end
  if grew or newer then
    -- t is merged by max too (it only tells when); only a change of P or N counts and is logged.
    redis.call('HSET', h, ARGV[i + 1], p .. ':' .. n .. ':' .. t)
  end
  if grew then
    changed = changed + 1
    redis.call('HINCRBY', counterPrefix .. ARGV[i], 'v', 1)
    if not seen[ARGV[i]] then
      seen[ARGV[i]] = true
      counters[#counters + 1] = ARGV[i]
    end
    if logging then
      redis.call('ZADD', KEYS[1], redis.call('INCR', KEYS[2]), ARGV[i])
    end
  end
end
table.insert(counters, 1, changed)
return counters
