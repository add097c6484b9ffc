-- wrk script: door scans (POST /checkin/{seminar}/scan, JSON answer) of the tickets of tests/load/bench-data.py
-- by its organiser, each request a first scan of another ticket with a new client_scan_id.
--
-- Environment (set by tests/load/bench.sh):
--   BENCH_TICKETS       file of "SEMINAR SESSION REGISTRATION CODE PERSON" lines (the confirmed registrations
--                       of the scan seminars, in random order)
--   BENCH_ORGANIZER     file with one "SID CSRF" line: the organiser's session and X-CSRF-Token
--   BENCH_TICKET_STATE  file holding the index of the next unused ticket (missing: 0); done() moves it past
--                       the last ticket handed out, so the warm-up, the run and the next scenario scan
--                       other tickets (a ticket handed out but not answered is skipped, never scanned twice)
--   BENCH_THREADS       the number of wrk threads (-t), see signup.lua
--   BENCH_RUN           a run id, part of every client_scan_id
--   BENCH_RATE          optional: the total rate in scans per second. wrk 4.1 has no fixed-rate mode
--                       (that is wrk2's -R); with it, delay() paces each thread's requests on a fixed
--                       schedule (rate / threads per second, open loop: a late answer does not move the
--                       schedule), so with enough idle connections the offered rate is BENCH_RATE and
--                       the latencies are those at that rate. wrk measures a request from its write,
--                       after the delay.
--
-- Request k of thread t is ticket next + t - 1 + k * threads. Once the tickets run out it wraps around:
-- those are second scans, answered "already" (counted as "repeats"). Every answer that is not 200 with
-- result "ok" or "already" counts as bad; done() prints the "bench-lua: ..." line tests/load/bench.sh reads.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("tid", #threads)
end

local function env(name, default)
   local v = os.getenv(name)
   if v == nil or v == "" then
      if default == nil then error("scan.lua: " .. name .. " is not set") end
      return default
   end
   return v
end

local function read_state()
   local f = io.open(env("BENCH_TICKET_STATE"), "r")
   if f == nil then return 0 end
   local n = tonumber(f:read("*l") or "") or 0
   f:close()
   return n
end

local sem, ses, code = {}, {}, {}
local sid, csrf, ntickets, nthreads, first, run
local k = 0

-- Results, read by done() through thread:get().
sent, answers, ok, already, repeats, bad, first_bad, top = 0, 0, 0, 0, 0, 0, "", 0

function init(args)
   for line in io.lines(env("BENCH_TICKETS")) do
      local s, n, _, c = line:match("^(%d+) (%d+) (%d+) (%S+)")
      if s then
         sem[#sem + 1], ses[#ses + 1], code[#code + 1] = s, n, c
      end
   end
   ntickets = #code
   if ntickets == 0 then error("scan.lua: no tickets in " .. env("BENCH_TICKETS")) end
   for line in io.lines(env("BENCH_ORGANIZER")) do
      sid, csrf = line:match("^(%S+) (%S+)$")
   end
   if not sid then error("scan.lua: no 'SID CSRF' line in " .. env("BENCH_ORGANIZER")) end
   nthreads = tonumber(env("BENCH_THREADS"))
   if not nthreads or tid > nthreads then error("scan.lua: BENCH_THREADS does not match wrk -t") end
   run = env("BENCH_RUN", "0"):gsub("[^%w]", ""):sub(1, 20)
   first = read_state()
   top = first
   k = tid - 1
   local rate = tonumber(os.getenv("BENCH_RATE") or "")
   if rate and rate > 0 then
      local ffi = require("ffi")
      ffi.cdef [[
         typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
         int clock_gettime(int clk, bench_timespec *ts);
      ]]
      local ts = ffi.new("bench_timespec")
      local function now()
         ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
         return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) * 1e-9
      end
      local interval = nthreads / rate -- seconds between this thread's requests
      local slot
      -- Called by each connection before each request: the wait, in ms, for the next free slot.
      delay = function()
         local t = now()
         slot = slot and slot + interval or t
         local d = slot - t
         return d > 0 and math.floor(d * 1000 + 0.5) or 0
      end
   end
end

function request()
   local j = first + k
   k = k + nthreads
   sent = sent + 1
   top = j + 1 -- the threads hand out tickets at their own pace: done() takes the highest
   if j >= ntickets then repeats = repeats + 1 end
   local i = j % ntickets + 1
   -- A QR scanner reads the ticket's link; the door takes the code after "/t/".
   return wrk.format("POST", "/checkin/" .. sem[i] .. "/scan", {
      ["Accept"] = "application/json",
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Cookie"] = "sid=" .. sid,
      ["X-CSRF-Token"] = csrf,
   }, string.format("code=http%%3A%%2F%%2F127.0.0.1%%2Ft%%2F%s&client_scan_id=b%s-%09d&device_id=bench-door-%d&session_id=%s",
      code[i], run, j, tid, ses[i])) -- client_scan_id: 8 to 64 characters of base64url
end

function response(status, headers, body)
   answers = answers + 1
   local result = status == 200 and body:match('"result":%s*"([%a_]+)"')
   if result == "ok" then
      ok = ok + 1
   elseif result == "already" then
      already = already + 1
   else
      bad = bad + 1
      if first_bad == "" then
         first_bad = status .. " " .. body:sub(1, 200):gsub("%s+", " ")
      end
   end
end

function done(summary, latency, requests)
   local a, o, al, r, b, first_b, s, after = 0, 0, 0, 0, 0, "", 0, read_state()
   for _, t in ipairs(threads) do
      after = math.max(after, t:get("top"))
      a = a + t:get("answers")
      o = o + t:get("ok")
      al = al + t:get("already")
      r = r + t:get("repeats")
      b = b + t:get("bad")
      s = s + t:get("sent")
      if first_b == "" then first_b = t:get("first_bad") end
   end
   -- The next scenario (or phase) starts after every ticket handed out here.
   local path = env("BENCH_TICKET_STATE")
   local f = assert(io.open(path .. ".tmp", "w"))
   f:write(string.format("%d\n", after))
   f:close()
   assert(os.rename(path .. ".tmp", path))
   io.write(string.format("bench-lua: sent=%d answers=%d ok=%d already=%d repeats=%d bad=%d\n", s, a, o, al, r, b))
   if first_b ~= "" then io.write("bench-lua: first bad answer: " .. first_b .. "\n") end
end
