-- wrk script: ticket QR images (GET /tickets/{registration}.png) fetched by their owners, the people of
-- tests/load/bench-data.py.
--
-- Environment (set by tests/load/bench.sh):
--   BENCH_TICKETS  file of "SEMINAR SESSION REGISTRATION CODE PERSON" lines (see scan.lua)
--   BENCH_PAIRS    file of "SID CSRF" lines, line N = person N
--   BENCH_THREADS  the number of wrk threads (-t), see signup.lua
--
-- Request k of thread t is ticket t - 1 + k * threads (wrapping around), with the cookie of its owner.
-- Every answer that is not 200 with a PNG body counts as bad; done() prints the "bench-lua: ..." line
-- tests/load/bench.sh reads.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("tid", #threads)
end

local function env(name)
   local v = os.getenv(name)
   if v == nil or v == "" then error("ticket.lua: " .. name .. " is not set") end
   return v
end

local sids = {}
local reg, owner = {}, {}
local ntickets, nthreads
local k = 0

-- Results, read by done() through thread:get().
sent, answers, png, bad, first_bad = 0, 0, 0, 0, ""

function init(args)
   for line in io.lines(env("BENCH_PAIRS")) do
      sids[#sids + 1] = line:match("^(%S+) ")
   end
   for line in io.lines(env("BENCH_TICKETS")) do
      local r, p = line:match("^%d+ %d+ (%d+) %S+ (%d+)")
      if r and sids[tonumber(p)] then
         reg[#reg + 1], owner[#owner + 1] = r, sids[tonumber(p)]
      end
   end
   ntickets = #reg
   if ntickets == 0 then error("ticket.lua: no tickets of people with sessions") end
   nthreads = tonumber(env("BENCH_THREADS"))
   if not nthreads or tid > nthreads then error("ticket.lua: BENCH_THREADS does not match wrk -t") end
   k = tid - 1
end

function request()
   local i = k % ntickets + 1
   k = k + nthreads
   sent = sent + 1
   return wrk.format("GET", "/tickets/" .. reg[i] .. ".png", {["Cookie"] = "sid=" .. owner[i]})
end

function response(status, headers, body)
   answers = answers + 1
   if status == 200 and body:sub(1, 8) == "\137PNG\r\n\26\n" then
      png = png + 1
   else
      bad = bad + 1
      if first_bad == "" then
         first_bad = status .. " " .. body:sub(1, 200):gsub("[%c%s]+", " ")
      end
   end
end

function done(summary, latency, requests)
   local a, p, b, first, s = 0, 0, 0, "", 0
   for _, t in ipairs(threads) do
      a = a + t:get("answers")
      p = p + t:get("png")
      b = b + t:get("bad")
      s = s + t:get("sent")
      if first == "" then first = t:get("first_bad") end
   end
   io.write(string.format("bench-lua: sent=%d answers=%d png=%d bad=%d\n", s, a, p, b))
   if first ~= "" then io.write("bench-lua: first bad answer: " .. first .. "\n") end
end
