-- wrk script: coverage reports (GET /reports/coverage?...) of the national data set, as an administrator.
--
-- Environment (set by tests/load/bench.sh):
--   BENCH_URLS     file of "FORMAT PATH" lines: FORMAT json (Accept: application/json) or html, PATH
--                  a report's path and query; the requests go round the list
--   BENCH_SID      the administrator's session cookie
--   BENCH_THREADS  the number of wrk threads (-t), see signup.lua
--   BENCH_RATE     optional: the total rate in requests per second (see pace.lua)
--
-- Request k of thread t is line (t - 1 + k * threads) mod n + 1 of the list. Every answer that is not
-- 200 with a JSON object or an HTML page counts as bad. done() prints the "bench-lua: ..." line
-- tests/load/bench.sh reads, with the 50th, 95th and 99th percentiles of the latency in ms (wrk's own
-- --latency table has no 95th).

package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
local pace = require("pace")

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("tid", #threads)
end

local function env(name)
   local v = os.getenv(name)
   if v == nil or v == "" then error("coverage.lua: " .. name .. " is not set") end
   return v
end

local paths, accept = {}, {}
local sid, nthreads, k

-- Results, read by done() through thread:get().
sent, answers, bad, first_bad = 0, 0, 0, ""

function init(args)
   for line in io.lines(env("BENCH_URLS")) do
      local f, p = line:match("^(%a+) (/%S+)$")
      if f then
         paths[#paths + 1] = p
         accept[#accept + 1] = f == "json" and "application/json" or "text/html"
      end
   end
   if #paths == 0 then error("coverage.lua: no 'FORMAT PATH' lines in " .. env("BENCH_URLS")) end
   sid = env("BENCH_SID")
   nthreads = tonumber(env("BENCH_THREADS"))
   if not nthreads or tid > nthreads then error("coverage.lua: BENCH_THREADS does not match wrk -t") end
   k = tid - 1
   local rate = tonumber(os.getenv("BENCH_RATE") or "")
   if rate and rate > 0 then delay = pace.delay(rate, nthreads) end
end

function request()
   local i = k % #paths + 1
   k = k + nthreads
   sent = sent + 1
   return wrk.format("GET", paths[i], {["Accept"] = accept[i], ["Cookie"] = "sid=" .. sid})
end

function response(status, headers, body)
   answers = answers + 1
   local ok = status == 200 and (body:match("^%s*{") or body:find("<html", 1, true))
   if not ok then
      bad = bad + 1
      if first_bad == "" then first_bad = status .. " " .. body:sub(1, 200):gsub("%s+", " ") end
   end
end

function done(summary, latency, requests)
   local s, a, b, first_b = 0, 0, 0, ""
   for _, t in ipairs(threads) do
      s = s + t:get("sent")
      a = a + t:get("answers")
      b = b + t:get("bad")
      if first_b == "" then first_b = t:get("first_bad") end
   end
   io.write(string.format("bench-lua: sent=%d answers=%d bad=%d p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f\n", s, a, b,
      latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
   if first_b ~= "" then io.write("bench-lua: first bad answer: " .. first_b .. "\n") end
end
