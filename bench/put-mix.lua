-- wrk script: the writes `countctl bench` sends by default, so the two can be compared on the same
-- edge: half of them to one hot counter, the rest spread over 999 others, 80 % increments and
-- 20 % decrements; BENCH_KEYED=1 adds a fresh Idempotency-Key to every request (as --idempotent).
wrk.method = "PUT"
wrk.headers["Content-Type"] = "application/json"
math.randomseed(os.time())
local run = "wrkmix-" .. os.time() .. "-" .. math.random(1000000)
local keyed = os.getenv("BENCH_KEYED") == "1"
local up, down = '{"action":"increment"}', '{"action":"decrement"}'
local n = 0
request = function()
  local id = math.random() < 0.5 and (run .. "-hot") or (run .. "-" .. math.random(999))
  if keyed then
    n = n + 1
    wrk.headers["Idempotency-Key"] = run .. "-" .. n
  end
  return wrk.format(nil, "/v1/" .. id .. "/likes", nil, math.random() < 0.8 and up or down)
end
