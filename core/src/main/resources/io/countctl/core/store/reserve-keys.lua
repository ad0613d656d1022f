-- Takes idempotency keys for writes an edge is about to accept, all or nothing: a key already
-- taken for another write of its counter (another fingerprint) refuses the whole request, and
-- nothing is taken. A key taken for the same write (a retry) is fine; the worker counts it once.
-- The edge is told which writes those are: a retry whose first attempt may already be counted
-- or in flight, which its read view must not add a second time.
--
-- ARGV[1] key prefix  ARGV[2] TTL (s), then (scope, fingerprint) pairs.
-- Returns {c}: c = 0 when every key is free or the request's own, else the (1-based) number of
-- the first write whose key belongs to another write (and nothing more). When c = 0, the
-- (1-based) numbers of the writes whose key was already bound to this same write follow (by an
-- earlier request, or earlier in this one). Keys are the hashes of earlier versions (field 'f').
local prefix = ARGV[1]
local here = {}
local again = {0}
for i = 3, #ARGV, 2 do
  local taken = here[ARGV[i]] or redis.call('HGET', prefix .. ARGV[i], 'f')
  if taken then
    if taken ~= ARGV[i + 1] then
      return {(i - 1) / 2}
    end
    again[#again + 1] = (i - 1) / 2
  end
  here[ARGV[i]] = ARGV[i + 1]
end
for i = 3, #ARGV, 2 do
  local k = prefix .. ARGV[i]
  if redis.call('HSETNX', k, 'f', ARGV[i + 1]) == 1 then
    redis.call('EXPIRE', k, ARGV[2])
  end
end
return again
