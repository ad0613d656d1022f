-- wrk script: PUT an increment carrying a user (one of 200 000) and an item (one of 1 000, skewed),
-- so the edge feeds a unique-count sketch and two top-K sketches with every write.
wrk.method = "PUT"
wrk.headers["Content-Type"] = "application/json"
math.randomseed(os.time())
request = function()
  local user = math.random(200000)
  local item = math.floor(1000 * math.random() ^ 3) -- a few items take most writes
  return wrk.format(nil, nil, nil, '{"action":"increment","user":"u-' .. user .. '","item":"i-' .. item .. '"}')
end
