-- wrk script for plain GETs (health, the HTTP floor): no per-request Lua, so wrk keeps its fast
-- path, as in perf-anchors.md; wrk itself counts status >= 400 as errors. Prints one BENCHJSON line.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('BENCHJSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"mean_us":%.1f,' ..
    '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"non2xx":%d,"statuses":{}}\n',
    summary.requests, summary.duration, latency:percentile(50.0), latency:percentile(99.0), latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout, e.status))
end
