-- PUT increments to counters c0 … c(N-1) in turn (N: env DISTINCT, default 700000), so the
-- platform holds that many distinct counters (bench/memory.sh; run wrk with -t1: each thread counts alone).
local n = tonumber(os.getenv("DISTINCT") or "700000")
local i = 0
wrk.method = "PUT"
wrk.body = '{"action":"increment"}'
wrk.headers["Content-Type"] = "application/json"
request = function()
  i = (i + 1) % n
  return wrk.format(nil, "/v1/c" .. i .. "/likes")
end
