-- Takes idempotency keys for writes an edge is about to accept, all or nothing: a key already
-- taken for another write of its counter (another fingerprint) refuses the whole request, and
-- nothing is taken. A key taken for the same write (a retry) is fine; the worker counts it once.
-- The edge is told which writes those are: a retry whose first attempt may already be counted
-- or in flight, which its read view must not add a second time.
--
-- ARGV[1] key prefix '{c}:ik:'  ARGV[2] now (ms)  ARGV[3] bucket length (ms)  ARGV[4] buckets
-- before the current one a lookup reads  ARGV[5] earlier versions' global prefix, then (scope,
-- fingerprint, shard, field) quads (see idempotency-keys.lua).
-- Returns {c}: c = 0 when every key is free or the request's own, else the (1-based) number of
-- the first write whose key belongs to another write (and nothing more). When c = 0, the
-- (1-based) numbers of the writes whose key was already bound to this same write follow (by an
-- earlier request, or earlier in this one).
IK.init(ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5])
local here = {}
local fresh = {}
local again = {0}
for i = 6, #ARGV, 4 do
  local n = (i - 2) / 4
  local slot = ARGV[i + 2] .. ':' .. ARGV[i + 3]
  local mine = string.sub(ARGV[i + 1], 1, 6)
  local taken = here[slot]
  if not taken then
    local _, v = IK.find(ARGV[i + 2], ARGV[i + 3])
    if v then
      taken = string.sub(v, 2)
    else
      local f = IK.legacy(ARGV[i])
      taken = f and string.sub(f, 1, 6)
    end
    if not taken then
      fresh[#fresh + 1] = i
    end
  end
  if taken then
    if taken ~= mine then
      return {n}
    end
    again[#again + 1] = n
  end
  here[slot] = mine
end
for _, i in ipairs(fresh) do
  IK.put(ARGV[i + 2], ARGV[i + 3], 'r' .. string.sub(ARGV[i + 1], 1, 6))
end
return again
