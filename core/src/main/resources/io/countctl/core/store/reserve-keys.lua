-- Takes idempotency keys for writes an edge is about to accept, all or nothing: a key already
-- taken for another write of its counter (another fingerprint) refuses the whole request, and
-- nothing is taken. A key taken for the same write (a retry) is fine; the worker counts it once.
--
-- ARGV[1] key prefix  ARGV[2] TTL (s), then (scope, fingerprint) pairs.
-- Returns 0 when every key is free or the request's own, else the (1-based) number of the first
-- write whose key belongs to another write.
local prefix = ARGV[1]
local here = {}
for i = 3, #ARGV, 2 do
  local taken = here[ARGV[i]] or redis.call('HGET', prefix .. ARGV[i], 'f')
  if taken and taken ~= ARGV[i + 1] then
    return (i - 1) / 2
  end
  here[ARGV[i]] = ARGV[i + 1]
end
for i = 3, #ARGV, 2 do
  local k = prefix .. ARGV[i]
  if redis.call('HSETNX', k, 'f', ARGV[i + 1]) == 1 then
    redis.call('EXPIRE', k, ARGV[2])
  end
end
return 0
