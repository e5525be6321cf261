-- wrk script for plain runs: prints one line that bench/run.sh parses.
-- Latencies are in microseconds; "bad" counts errors of any kind (connect, read, write,
-- timeout, and statuses of 400 and above).
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d seconds=%.3f rps=%.1f p50_us=%d p99_us=%d bad=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout + e.status))
end
