-- Load script for `make bench`: `wrk ... -s wrk.lua URL -- post` sends a placeOrder body;
-- `-- if-none-match TAG` sends If-None-Match: TAG (a poll that the tag of its last 200 makes a 304); the
-- third argument is the API key, sent to every app alike (only paperbroker checks it).
-- done() prints one JSON line the runner parses (latencies in microseconds).
function init(args)
  wrk.headers["Authorization"] = "Bearer " .. args[3]
  if args[1] == "post" then
    wrk.method = "POST"
    wrk.body = '{"symbol": "AAPL", "type": 1, "side": 1, "qty": 10, "limitPrice": 150.25}'
    wrk.headers["Content-Type"] = "application/json"
  elseif args[1] == "if-none-match" then
    wrk.headers["If-None-Match"] = args[2]
  end
end

function done(summary, latency, requests)
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "non2xx": %d,'
      .. ' "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
