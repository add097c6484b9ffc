-- wrk helper module: a fixed offered rate for Debian's wrk 4.1, which has no -R (that is wrk2's).
--
-- pace.delay(rate, nthreads) returns a wrk delay() function that paces one thread's requests on a
-- fixed schedule of rate / nthreads per second (open loop: a late answer does not move the
-- schedule), so with enough idle connections the offered rate is RATE whatever the latency. wrk
-- measures a request from its write, after the delay. Load it from a script with
--   package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
--   local pace = require("pace")

local ffi = require("ffi")
ffi.cdef [[
   typedef struct { long tv_sec; long tv_nsec; } pace_timespec;
   int clock_gettime(int clk, pace_timespec *ts);
]]

local M = {}

function M.delay(rate, nthreads)
   local ts = ffi.new("pace_timespec")
   local function now()
      ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
      return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) * 1e-9
   end
   local interval = nthreads / rate -- seconds between this thread's requests
   local slot
   -- Called by each connection before each request: the wait, in ms, for the next free slot.
   return function()
      local t = now()
      slot = slot and slot + interval or t
      local d = slot - t
      return d > 0 and math.floor(d * 1000 + 0.5) or 0
   end
end

return M
