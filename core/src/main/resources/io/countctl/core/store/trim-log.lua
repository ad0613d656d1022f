-- Keeps the region change log small: drops what every peer has acknowledged, then, if a peer has
-- been away so long that the log still exceeds its cap, the oldest entries. The floor records the
-- highest sequence dropped, so a peer acknowledged below it knows it must catch up by a full scan.
--
-- KEYS[1] change log (sorted set)  KEYS[2] floor
-- ARGV[1] lowest sequence acknowledged by every peer ('' when some peer has none)  ARGV[2] cap
-- Returns the number of entries dropped.
local function raise(floor)
  local cur = tonumber(redis.call('GET', KEYS[2]) or '0')
  if tonumber(floor) > cur then redis.call('SET', KEYS[2], floor) end
end
local dropped = 0
if ARGV[1] ~= '' then
  dropped = redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
  if dropped > 0 then raise(ARGV[1]) end
end
local size = redis.call('ZCARD', KEYS[1])
local over = size - tonumber(ARGV[2])
if over > 0 then
  local last = redis.call('ZRANGE', KEYS[1], over - 1, over - 1, 'WITHSCORES')
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, over - 1)
  raise(last[2])
  dropped = dropped + over
end
return dropped
