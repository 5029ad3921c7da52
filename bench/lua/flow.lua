-- One wrk script for every flow of tools/loadbench, configured by environment variables:
--   BENCH_METHOD, BENCH_PATH, BENCH_CTYPE   the request line (the path is a template) and Content-Type
--   BENCH_BODY    body template; BENCH_HEADERS  header templates, one "Name: value" a line
--   BENCH_ROWS    file of tab-separated rows; {1}, {2}, ... in the templates are the columns of
--                 the row a request uses. Thread k of T uses rows k, k+T, k+2T, ... in turn,
--                 so no two threads share a row (an account) at a time.
--   BENCH_ONCE=1  each row is used once (single-use codes): once a thread's rows are sent its
--                 connections send GET /healthz fillers (not counted) until every row's answer is
--                 in, then it stops; the rate is then taken over first request .. last answer
--                 (clock_gettime through LuaJIT's ffi), since wrk divides by its whole -d
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
real, first_t, last_t = 0, 0, 0 -- BENCH_ONCE: answers to rows, and when (seconds)
local filler = "{\"status\":\"ok\"}\n"

local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk, bench_timespec *ts);
]]
local ts = ffi.new("bench_timespec")
local function now()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) / 1e9
end

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
        return wrk.format("GET", "/healthz")
      end
      i = 1
    end
    row = rows[i]
  end
  n = n + 1
  if first_t == 0 then first_t = now() end
  local fresh = stamp .. "-" .. tid .. "-" .. n
  local headers = {} -- replaces wrk.headers (wrk.format does not merge them)
  if ctype ~= "" then headers["Content-Type"] = ctype end
  for name, t in pairs(header_t) do headers[name] = fill(t, row, fresh) end
  local body = nil
  if body_t ~= "" then body = fill(body_t, row, fresh) end
  return wrk.format(method, fill(path_t, row, fresh), headers, body)
end

function response(status, headers, body)
  if once then
    if body == filler then return end
    real = real + 1
    last_t = now()
    if real >= #rows then wrk.thread:stop() end
  end
  if status < 200 or status > 299 then
    bad = bad + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local non2xx, by = 0, {}
  local n_real, t0, t1 = 0, nil, nil
  for _, t in ipairs(threads) do
    non2xx = non2xx + (t:get("bad") or 0)
    n_real = n_real + (t:get("real") or 0)
    local f, l = t:get("first_t") or 0, t:get("last_t") or 0
    if f > 0 and (t0 == nil or f < t0) then t0 = f end
    if l > 0 and (t1 == nil or l > t1) then t1 = l end
    local s = t:get("statuses")
    if s then for code, c in pairs(s) do by[code] = (by[code] or 0) + c end end
  end
  local parts = {}
  for code, c in pairs(by) do table.insert(parts, string.format('"%d":%d', code, c)) end
  local e = summary.errors
  local requests, duration = summary.requests, summary.duration
  if os.getenv("BENCH_ONCE") == "1" and t0 and t1 and t1 > t0 then
    requests, duration = n_real, (t1 - t0) * 1e6
  end
  io.write(string.format('BENCHJSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"mean_us":%.1f,' ..
    '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"non2xx":%d,"statuses":{%s}}\n',
    requests, duration, latency:percentile(50.0), latency:percentile(99.0), latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout, non2xx, table.concat(parts, ",")))
end
