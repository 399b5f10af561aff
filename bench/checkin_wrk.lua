-- wrk script of the check-in benchmark (bench/checkin.py runs it; see bench/README.md).
--
--   wrk -t2 -c32 -d30s -s bench/checkin_wrk.lua http://127.0.0.1:PORT -- MODE PLAN NONCE THREADS
--
-- MODE  ping  : GET /ping (the minimal JSON view), the baseline
--       start : POST /api/visits/start-by-code, one fresh approved task per request
--       pair  : the same start, then the second officer's POST /api/visits/{id}/confirm (the visit opens)
-- PLAN  a TSV file: task id, enterprise code token, initiator's bearer, confirmer's bearer (one task a line)
-- NONCE a prefix that makes every idempotency key of the run unique: NONCE-thread-counter
--
-- Each wrk thread takes every THREADS-th line of the plan (thread k: lines k, k + THREADS, …), so no two
-- threads ever request the same task. A thread that has used all its lines sends its last start again: the
-- platform refuses it (the task is already in a visit), which shows up as a non-2xx response, never as a
-- success. Every response status is counted per thread and printed by done() as one JSON line
-- ("BENCH_JSON {...}") with wrk's latency percentiles, for bench/checkin.py to read.

local threads = {}

function setup(thread)
   thread:set("tid", #threads)
   threads[#threads + 1] = thread
end

function init(args)
   mode = args[1] or "ping"
   plan = args[2]
   nonce = args[3] or tostring(os.time())
   nthreads = tonumber(args[4] or "1")
   rows, used, exhausted, counter = {}, 0, 0, 0
   statuses, confirms, pending = {}, {}, {}
   if mode ~= "ping" then
      local i = 0
      for line in io.lines(plan) do
         if i % nthreads == tid then
            local task, token, first, second = line:match("^(%d+)\t([^\t]+)\t([^\t]+)\t([^\t]+)$")
            rows[#rows + 1] = { task, token, first, second }
            confirms[task] = second
         end
         i = i + 1
      end
   end
end

local function start()
   local row
   if used < #rows then
      used = used + 1
      row = rows[used]
   else
      exhausted = exhausted + 1
      row = rows[#rows]
   end
   counter = counter + 1
   local body = string.format('{"token":"%s","task_ids":[%s],"idempotency_key":"%s-%d-%d"}',
      row[2], row[1], nonce, tid, counter)
   return wrk.format("POST", "/api/visits/start-by-code",
      { ["Authorization"] = "Bearer " .. row[3], ["Content-Type"] = "application/json" }, body)
end

function request()
   if mode == "ping" then
      return wrk.format("GET", "/ping")
   end
   if mode == "pair" and #pending > 0 then
      local p = table.remove(pending, 1)
      return wrk.format("POST", "/api/visits/" .. p[1] .. "/confirm",
         { ["Authorization"] = "Bearer " .. p[2], ["Content-Type"] = "application/json" }, "{}")
   end
   return start()
end

function response(status, headers, body)
   local key = tostring(status)
   statuses[key] = (statuses[key] or 0) + 1
   if mode == "pair" and status == 201 then
      -- VisitDetailOut: "id" is the first field; the task of the start decides who confirms.
      local visit = body:match('^{"id":%s*(%d+)')
      local task = body:match('"task_ids":%s*%[(%d+)%]')
      if visit and task and confirms[task] then
         pending[#pending + 1] = { visit, confirms[task] }
      end
   end
end

function done(summary, latency, requests)
   local total, per_status, used_max, exhausted_all, confirms_pending = 0, {}, 0, 0, 0
   for _, thread in ipairs(threads) do
      for key, n in pairs(thread:get("statuses")) do
         per_status[key] = (per_status[key] or 0) + n
         total = total + n
      end
      used_max = math.max(used_max, thread:get("used"))
      exhausted_all = exhausted_all + thread:get("exhausted")
      confirms_pending = confirms_pending + #thread:get("pending")
   end
   local parts = {}
   for key, n in pairs(per_status) do
      parts[#parts + 1] = string.format('"%s":%d', key, n)
   end
   local pct = {}
   for _, p in ipairs({ 50, 75, 90, 99, 99.9 }) do
      pct[#pct + 1] = string.format('"%s":%d', tostring(p), latency:percentile(p))
   end
   io.write(string.format('BENCH_JSON {"duration_us":%d,"requests":%d,"bytes":%d,"responses":%d,'
      .. '"statuses":{%s},"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},'
      .. '"latency_us":{"mean":%.1f,"stdev":%.1f,"max":%d,"percentiles":{%s}},'
      .. '"plan_lines_used_per_thread_max":%d,"exhausted":%d,"confirms_not_sent":%d}\n',
      summary.duration, summary.requests, summary.bytes, total, table.concat(parts, ","),
      summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status,
      summary.errors.timeout, latency.mean, latency.stdev, latency.max, table.concat(pct, ","),
      used_max, exhausted_all, confirms_pending))
end
