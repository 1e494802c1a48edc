-- wrk script for bench/speed.py: POST /api/v1/ask with the questions in a file (one JSON request
-- body per line, written by the bench), taken in turn by every connection, and a JSON summary on
-- stdout. Usage: wrk -t1 -cN -dS --timeout 30s -s bench/wrk_ask.lua URL -- BODIES_FILE
local bodies = {}
local next_body = 1

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then
      bodies[#bodies + 1] = line
    end
  end
  wrk.method = "POST"
  wrk.path = "/api/v1/ask"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  local body = bodies[next_body]
  next_body = next_body % #bodies + 1
  return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\nWRK_RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "max_us": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
