-- One wrk script for every flow of tools/loadbench, configured by environment variables:
--   BENCH_METHOD, BENCH_PATH, BENCH_CTYPE   the request line (the path is a template) and Content-Type
--   BENCH_BODY    body template; BENCH_HEADERS  header templates, one "Name: value" a line
--   BENCH_ROWS    file of tab-separated rows; {1}, {2}, ... in the templates are the columns of
--                 the row a request uses. Thread k of T uses rows k, k+T, k+2T, ... in turn,
--                 so no two threads share a row (an account) at a time.
--   BENCH_ONCE=1  each row is used once (single-use codes); a thread stops when its rows run out
--   BENCH_STAMP   run identifier; {fresh} is "<stamp>-<thread>-<n>", unique per request
-- Counts responses that are not 2xx (BENCH_WANT_2XX=1) and prints one "BENCHJSON {...}" line.
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local method, path_t, ctype, body_t, once, stamp
local header_t = {}
local rows = {}
local i, n = 0, 0
bad, statuses = 0, {} -- globals: done() reads them with thread:get

local function fill(t, row, fresh)
  if t == nil or t == "" then return t end
  t = t:gsub("{fresh}", fresh)
  return (t:gsub("{(%d+)}", function(k) return row[tonumber(k)] or "" end))
end

function init(args)
  method = os.getenv("BENCH_METHOD") or "GET"
  path_t = os.getenv("BENCH_PATH") or "/"
  ctype = os.getenv("BENCH_CTYPE") or ""
  body_t = os.getenv("BENCH_BODY") or ""
  for line in (os.getenv("BENCH_HEADERS") or ""):gmatch("[^\n]+") do
    local name, value = line:match("^([^:]+):%s*(.*)$")
    if name then header_t[name] = value end
  end
  once = os.getenv("BENCH_ONCE") == "1"
  stamp = os.getenv("BENCH_STAMP") or tostring(os.time())
  local file = os.getenv("BENCH_ROWS") or ""
  local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
  if file ~= "" then
    local k = 0
    for line in io.lines(file) do
      if k % nthreads == tid then
        local row = {}
        for col in (line .. "\t"):gmatch("([^\t]*)\t") do table.insert(row, col) end
        table.insert(rows, row)
      end
      k = k + 1
    end
  end
end

function request()
  local row = {}
  if #rows > 0 then
    i = i + 1
    if i > #rows then
      if once then
        wrk.thread:stop()
        return wrk.format(method, "/")
      end
      i = 1
    end
    row = rows[i]
  end
  n = n + 1
  local fresh = stamp .. "-" .. tid .. "-" .. n
  local headers = {} -- replaces wrk.headers (wrk.format does not merge them)
  if ctype ~= "" then headers["Content-Type"] = ctype end
  for name, t in pairs(header_t) do headers[name] = fill(t, row, fresh) end
  local body = nil
  if body_t ~= "" then body = fill(body_t, row, fresh) end
  return wrk.format(method, fill(path_t, row, fresh), headers, body)
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    bad = bad + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local non2xx, by = 0, {}
  for _, t in ipairs(threads) do
    non2xx = non2xx + (t:get("bad") or 0)
    local s = t:get("statuses")
    if s then for code, c in pairs(s) do by[code] = (by[code] or 0) + c end end
  end
  local parts = {}
  for code, c in pairs(by) do table.insert(parts, string.format('"%d":%d', code, c)) end
  local e = summary.errors
  io.write(string.format('BENCHJSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"mean_us":%.1f,' ..
    '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"non2xx":%d,"statuses":{%s}}\n',
    summary.requests, summary.duration, latency:percentile(50.0), latency:percentile(99.0), latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout, non2xx, table.concat(parts, ",")))
end
