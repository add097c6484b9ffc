-- wrk script: sign-up POSTs (/seminars/{id}/register, JSON answer) by the people of tests/load/bench-data.py.
--
-- Environment (set by tests/load/bench.sh):
--   BENCH_PAIRS     file of "SID CSRF" lines, line N = person N
--   BENCH_SEMINARS  comma-separated seminar ids
--   BENCH_THREADS   the number of wrk threads (-t): wrk calls setup() and init() thread by thread,
--                   so a thread cannot learn the count from setup()
--   BENCH_PHASE     "warmup" or "measure": the two runs of a scenario use disjoint pairs
--   BENCH_RUN       a run id, part of every idempotency key
--   BENCH_OFFSET    optional: the first pair index instead of the phase's (for runs by hand on a
--                   database that already has the phases' sign-ups)
--   BENCH_QUOTA     optional: the total number of sign-ups; each thread sends its share, waits for
--                   all its answers and stops; the last thread to finish ends wrk (SIGINT), so the
--                   run takes as long as the sign-ups, whatever -d says
--   BENCH_DONE_DIR  with BENCH_QUOTA: an empty directory for the threads' "finished" marks
--   BENCH_RATE      optional: a fixed offered rate in sign-ups per second (tests/load/pace.lua)
--   BENCH_REFUSED   optional: 1 = a 503 with Retry-After is a refusal (counted as refused), not an error
--
-- Request k (k = thread - 1, thread - 1 + threads, ...) is person 1 + j % P on seminar
-- (j div P + j) % S of the list, j = offset + k: every request is a new person/seminar pair
-- (P x S pairs), not a replay. With one seminar and a quota <= P, it is P distinct people on it.
-- Every answer that is not 200 with outcome "confirmed" or "waitlisted" (or, with BENCH_REFUSED, a 503 with
-- Retry-After) counts as an error; done()
-- prints "bench-lua: ..." lines that tests/load/bench.sh reads.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("tid", #threads)
end

local function env(name, default)
   local v = os.getenv(name)
   if v == nil or v == "" then
      if default == nil then error("signup.lua: " .. name .. " is not set") end
      return default
   end
   return v
end

local sids, csrfs, seminars = {}, {}, {}
local people, nsem, nthreads, offset, quota, mine, run
local k, reserved = 0, 0
local ffi

-- Results, read by done() through thread:get().
sent, answers, confirmed, waitlisted, refused, bad, first_bad = 0, 0, 0, 0, 0, 0, ""
local refused_ok = os.getenv("BENCH_REFUSED") == "1"

function init(args)
   for line in io.lines(env("BENCH_PAIRS")) do
      local sid, csrf = line:match("^(%S+) (%S+)$")
      if sid then
         sids[#sids + 1] = sid
         csrfs[#csrfs + 1] = csrf
      end
   end
   for id in env("BENCH_SEMINARS"):gmatch("%d+") do
      seminars[#seminars + 1] = id
   end
   people, nsem = #sids, #seminars
   if people == 0 or nsem == 0 then error("signup.lua: no people or no seminars") end
   offset = tonumber(os.getenv("BENCH_OFFSET") or "") or
      (env("BENCH_PHASE", "measure") == "warmup" and 0 or math.floor(people * nsem / 2))
   run = env("BENCH_RUN", "0"):gsub("[^%w]", ""):sub(1, 40)
   nthreads = tonumber(env("BENCH_THREADS"))
   if not nthreads or tid > nthreads then error("signup.lua: BENCH_THREADS does not match wrk -t") end
   k = tid - 1
   quota = tonumber(os.getenv("BENCH_QUOTA") or "")
   if quota then
      -- This thread's share of k = 0 .. quota - 1.
      mine = quota >= tid and math.floor((quota - tid) / nthreads) + 1 or 0
      ffi = require("ffi")
      ffi.cdef [[ int getpid(void); int kill(int pid, int sig); ]]
      delay = function()
         -- Called before every request: park the connection once the share is handed out.
         if reserved >= mine then return 3600000 end
         reserved = reserved + 1
         return 0
      end
      if mine == 0 then mark() end
   end
   local rate = tonumber(os.getenv("BENCH_RATE") or "")
   if rate and rate > 0 then
      package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
      delay = require("pace").delay(rate, nthreads)
   end
end

function request()
   local j = offset + k
   -- wrk's check of the script (script_verify_request) calls request() once before the run, for
   -- a request that is never sent: with a quota, only a reserved request takes the next pair.
   if not quota or sent < reserved then
      k = k + nthreads
      sent = sent + 1
   end
   local p = j % people
   local s = (math.floor(j / people) + p) % nsem
   return wrk.format("POST", "/seminars/" .. seminars[s + 1] .. "/register", {
      ["Accept"] = "application/json",
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Cookie"] = "sid=" .. sids[p + 1],
      ["X-CSRF-Token"] = csrfs[p + 1],
   }, string.format("mode=in_person&idem=bench-%s-%09d", run, j)) -- 8 to 64 characters
end

-- Marks this thread finished; the last thread to finish ends the run.
function mark()
   local dir = env("BENCH_DONE_DIR")
   local f = assert(io.open(dir .. "/" .. tid, "w"))
   f:close()
   for t = 1, nthreads do
      local g = io.open(dir .. "/" .. t, "r")
      if g == nil then return end
      g:close()
   end
   ffi.C.kill(ffi.C.getpid(), 2) -- SIGINT: wrk stops waiting for -d and reports
end

-- The thread has all the answers of its share.
local function finish()
   wrk.thread:stop()
   mark()
end

function response(status, headers, body)
   answers = answers + 1
   local outcome = status == 200 and body:match('"outcome":"(%a+)"')
   if outcome == "confirmed" then
      confirmed = confirmed + 1
   elseif outcome == "waitlisted" then
      waitlisted = waitlisted + 1
   elseif refused_ok and status == 503 and headers["Retry-After"] then
      refused = refused + 1
   else
      bad = bad + 1
      if first_bad == "" then
         first_bad = status .. " " .. body:sub(1, 200):gsub("%s+", " ")
      end
   end
   if quota and answers == mine then finish() end
end

function done(summary, latency, requests)
   local a, c, w, r, b, first, s = 0, 0, 0, 0, 0, "", 0
   for _, t in ipairs(threads) do
      a = a + t:get("answers")
      c = c + t:get("confirmed")
      w = w + t:get("waitlisted")
      r = r + t:get("refused")
      b = b + t:get("bad")
      s = s + t:get("sent")
      if first == "" then first = t:get("first_bad") end
   end
   io.write(string.format("bench-lua: sent=%d answers=%d confirmed=%d waitlisted=%d refused=%d bad=%d\n", s, a, c,
      w, r, b))
   if first ~= "" then io.write("bench-lua: first bad answer: " .. first .. "\n") end
end
