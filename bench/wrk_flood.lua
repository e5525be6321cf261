-- wrk script for a bounded flood: each thread stops after `limit` responses (first script
-- argument), so the run sends a known number of requests. Counts responses by status.
local limit = 0
local seen = 0
statuses = {}

function init(args)
  limit = tonumber(args[1] or "0") or 0
end

function response(status, headers, body)
  seen = seen + 1
  statuses[status] = (statuses[status] or 0) + 1
  if limit > 0 and seen >= limit then
    wrk.thread:stop()
  end
end

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

function done(summary, latency, requests)
  local counts = {}
  for _, t in ipairs(threads) do
    for status, n in pairs(t:get("statuses")) do
      counts[status] = (counts[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(counts) do
    table.insert(parts, string.format("%d:%d", status, n))
  end
  table.sort(parts)
  io.write(string.format("BENCH requests=%d seconds=%.3f statuses=%s\n", summary.requests,
                         summary.duration / 1e6, table.concat(parts, ",")))
end
