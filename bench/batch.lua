-- wrk script: POST /v1/batch of 1 000 increments spread over 100 counters (10 each), the same
-- body every time (built once). Increments/s = wrk's requests/s × 1 000.
wrk.method = "POST"
wrk.path = "/v1/batch"
wrk.headers["Content-Type"] = "application/json"
local writes = {}
for i = 0, 999 do
  writes[#writes + 1] = '{"id":"batch-' .. (i % 100) .. '","counter":"likes","action":"increment"}'
end
wrk.body = '{"writes":[' .. table.concat(writes, ",") .. ']}'
