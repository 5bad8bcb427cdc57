-- WRK_METHOD and WRK_BODY (set by wrk.ts) turn the requests into e.g. POSTs with a body.
local method = os.getenv("WRK_METHOD")
if method then
  wrk.method = method
  wrk.body = os.getenv("WRK_BODY") or ""
end

-- wrk calls done() once after the measured run. Printing the raw figures as one
-- JSON line lets wrk.ts read exact numbers (microseconds, counts) instead of
-- parsing wrk's rounded human-readable report ("1.23ms", "45.67k").
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\nWRK_JSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}\n',
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
