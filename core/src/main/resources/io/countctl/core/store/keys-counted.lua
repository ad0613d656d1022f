-- Which idempotency keys were counted (read only). ARGV[1..5] as reserve-keys.lua, then
-- (scope, token, shard, field) quads. Returns one 0/1 per key.
IK.init(ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5])
local out = {}
for i = 6, #ARGV, 4 do
  out[#out + 1] = IK.counted(ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]) and 1 or 0
end
return out
