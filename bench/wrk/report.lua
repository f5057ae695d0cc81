-- Printed once at the end of a wrk run; bench/lib/wrk.ts reads the line that
-- starts with BENCH_JSON. Latencies are in microseconds. valuesExhausted comes
-- from single-use-header.lua when that is prepended (0 otherwise).
done = function(summary, latency, requests)
  local e = summary.errors
  local exhausted = values_exhausted and values_exhausted() or 0
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"durationUs":%d,"bytes":%d,' ..
    '"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%.2f,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d,"status":%d},' ..
    '"valuesExhausted":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    e.connect, e.read, e.write, e.timeout, e.status, exhausted))
end
