-- wrk script: PUT an increment to one of many distinct counters (BENCH_DISTINCT, default
-- 1 000 000, chosen at random per request): the edge and the worker hold one entry per counter.
wrk.method = "PUT"
wrk.body = '{"action":"increment"}'
wrk.headers["Content-Type"] = "application/json"
local distinct = tonumber(os.getenv("BENCH_DISTINCT") or "1000000")
math.randomseed(os.time())
request = function()
  return wrk.format(nil, "/v1/m-" .. math.random(distinct) .. "/likes")
end
