-- wrk script for full logins: GET /login (302 to Spotify's authorize with a state, and a login
-- cookie), then GET /callback?code=...&state=... with that cookie, which makes spotauth exchange
-- the code at the token endpoint and read /v1/me (the nginx fast upstream) and answers 303
-- with a session cookie. The authorize step itself (Spotify's page) is skipped: the fast
-- upstream accepts any code.
-- Any connection of a thread may send the callback of a login another one started: the
-- browser's identity is the cookie, carried here explicitly. Callbacks go first, so at most
-- about one login per connection is ever waiting.
-- Optional first argument: stop each thread after that many completed logins.
local limit = 0
local queue = {}
local head, tail = 1, 0
logins = 0
failures = 0

function init(args)
  limit = tonumber(args[1] or "0") or 0
end

function request()
  if head <= tail then
    local item = queue[head]
    queue[head] = nil
    head = head + 1
    return wrk.format("GET", "/callback?code=bench-code&state=" .. item[1],
                      { ["Cookie"] = item[2] })
  end
  return wrk.format("GET", "/login")
end

function response(status, headers, body)
  if status == 302 then
    local location = headers["Location"] or headers["location"] or ""
    local cookie = headers["Set-Cookie"] or headers["set-cookie"] or ""
    local state = location:match("[?&]state=([^&]+)")
    local login = cookie:match("^(spotauth_login=[^;]+)")
    if state and login then
      tail = tail + 1
      queue[tail] = { state, login }
    else
      failures = failures + 1
    end
  elseif status == 303 then
    logins = logins + 1
    if limit > 0 and logins >= limit then
      wrk.thread:stop()
    end
  else
    failures = failures + 1
  end
end

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

function done(summary, latency, requests)
  local total, bad = 0, 0
  for _, t in ipairs(threads) do
    total = total + t:get("logins")
    bad = bad + t:get("failures")
  end
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d seconds=%.3f logins=%d logins_per_s=%.1f failures=%d p99_us=%d bad=%d\n",
    summary.requests, summary.duration / 1e6, total, total / (summary.duration / 1e6), bad,
    latency:percentile(99), e.connect + e.read + e.write + e.timeout + e.status))
end
