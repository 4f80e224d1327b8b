-- Load script for tools/bench/postgres.py: `wrk ... -s accounts.lua URL -- KEY1 KEY2 ...` posts the
-- placeOrder body of wrk.lua, each request with the next key, so the load spreads evenly over the keys'
-- accounts. done() prints the same JSON line as wrk.lua (latencies in microseconds).
local keys = {}
local next_key = 0
local body = '{"symbol": "AAPL", "type": 1, "side": 1, "qty": 10, "limitPrice": 150.25}'

function init(args)
  for i = 1, #args do
    keys[i] = "Bearer " .. args[i]
  end
end

function request()
  next_key = next_key % #keys + 1
  return wrk.format("POST", nil, {
    ["Authorization"] = keys[next_key],
    ["Content-Type"] = "application/json",
  }, body)
end

function done(summary, latency, requests)
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "non2xx": %d,'
      .. ' "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
