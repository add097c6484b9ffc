-- wrk script: GETs of the URL at a fixed offered rate (BENCH_RATE per second over BENCH_THREADS threads), for
-- latencies at a given load (tests/load/bench.sh's overload scenario).
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
local pace = require("pace")

function init(args)
   delay = pace.delay(tonumber(os.getenv("BENCH_RATE")), tonumber(os.getenv("BENCH_THREADS")))
end
