-- chat.lua's request, and at the end one line of latency percentiles in microseconds (wrk --latency stops at p99):
-- p50 ... p99.99, max and the request count, for bench/gateway/tail.sh.
dofile((os.getenv("BENCH_DIR") or ".") .. "/chat.lua")

function done(summary, latency, requests)
  local out = {}
  for _, p in ipairs({50, 90, 95, 97, 98, 98.5, 99, 99.5, 99.9, 99.99}) do
    out[#out + 1] = string.format("p%s=%d", p, latency:percentile(p))
  end
  io.write(table.concat(out, " "), " max=", latency.max, " n=", summary.requests, "\n")
end
