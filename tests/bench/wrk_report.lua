-- wrk script: rotates over the paths given after "--" and reports one JSON line.
-- Each wrk thread has its own Lua state, so each gets the paths through init().
local paths = {}
local counter = 0

init = function(args)
  for i, p in ipairs(args) do paths[i] = p end
  if #paths == 0 then paths[1] = "/" end
end

request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK-JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, '
    .. '"max_us": %d, "status_errors": %d, "connect_errors": %d, "read_errors": %d, '
    .. '"write_errors": %d, "timeouts": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.status, e.connect, e.read, e.write, e.timeout))
end
