-- wrk script: PUT an increment with a fresh Idempotency-Key on every request (as countctl bench --idempotent).
wrk.method = "PUT"
wrk.body = '{"action":"increment"}'
wrk.headers["Content-Type"] = "application/json"
local prefix = "wrk-" .. os.time() .. "-" .. math.random(1000000) .. "-"
local n = 0
request = function()
  n = n + 1
  wrk.headers["Idempotency-Key"] = prefix .. n
  return wrk.format()
end
