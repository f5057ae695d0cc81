-- Sends a different pre-signed value of one header with every request
-- (central with replay protection refuses a reused identity token).
-- bench/lib/single-use-values.ts prepends this to report.lua; wrk args after
-- the URL: -- <values file, one per line> <header name> <wrk threads>.
-- Thread k of n takes lines k, k+n, k+2n, …, so no two threads share a value.
-- Never wraps around: when a thread runs out of values it sends one request
-- without the header (refused, so counted as an error), stops, and done()
-- reports it as valuesExhausted, which bench/lib/wrk.ts adds to the errors.
local values, next_index, request_headers, header_name = {}, 0, {}, nil
local threads = {}
thread_index = 0
exhausted = 0

setup = function(thread)
  thread:set("thread_index", #threads)
  threads[#threads + 1] = thread
end

init = function(args)
  for name, value in pairs(wrk.headers) do request_headers[name] = value end
  header_name = args[2]
  local thread_count = tonumber(args[3]) or 1
  local line_number = 0
  for line in io.lines(args[1]) do
    if line ~= "" then
      if line_number % thread_count == thread_index then values[#values + 1] = line end
      line_number = line_number + 1
    end
  end
end

request = function()
  next_index = next_index + 1
  local value = values[next_index]
  if value == nil then
    exhausted = 1
    wrk.thread:stop()
  end
  request_headers[header_name] = value
  return wrk.format(nil, nil, request_headers)
end

-- Called by report.lua's done(): how many threads ran out of values.
values_exhausted = function()
  local total = 0
  for _, thread in ipairs(threads) do total = total + (thread:get("exhausted") or 0) end
  return total
end
