#!/usr/bin/env bash
# Memory of `countctl dev` (bench/RESULTS.md, "Memory"): DISTINCT (700 000) distinct counters
# written by batches, then RSS every 10 s while wrk writes to them for MEM_SECONDS (120), the live
# heap after a full GC at the
# end, and bytes allocated per write (the JVM's jvm_gc_memory_allocated_bytes_total over the edge's
# count_edge_writes_total; everything in the dev JVM counts: Kafka, the worker, the edge).
# COUNTCTL_JAVA_OPTS is passed on (compare e.g. "-XX:+UseZGC -Xmx8g" with the default flags).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
secs=${MEM_SECONDS:-120}
export DISTINCT=${DISTINCT:-700000}
work=$(mktemp -d /tmp/count-mem.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
bin/countctl dev --port "$port" --data-dir "$work/dev" > "$work/dev.log" 2>&1 &
wrapper=$!
trap 'kill $wrapper 2>/dev/null || true; wait 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
pid=$wrapper # bin/countctl execs java
metric() { curl -s "http://127.0.0.1:$port/metrics" | awk -v m="$1" '$1 ~ "^"m"(\\{|$)" {s+=$2} END {printf "%.0f", s}'; }
rss() { awk '/VmRSS/ {printf "%d", $2/1024}' "/proc/$pid/status"; }
echo "flags: $(tr '\0' ' ' < /proc/$pid/cmdline | grep -o -- '-XX:[^ ]*\|-Xm[sx][^ ]*' | tr '\n' ' ')"
echo "load: $(uptime)"
echo "rss at start: $(rss) MB"
# Every counter written once first, 5 000 per POST /v1/batch, so all DISTINCT exist whatever rate
# wrk reaches on a busy machine; then wrk writes them again one PUT at a time.
python3 - "$port" <<'PY'
import json, os, sys, urllib.request
port, n, step = sys.argv[1], int(os.environ["DISTINCT"]), 5000
for start in range(0, n, step):
    body = json.dumps({"writes": [{"id": "c%d" % i, "counter": "likes", "action": "increment"} for i in range(start, min(n, start + step))]})
    req = urllib.request.Request("http://127.0.0.1:%s/v1/batch" % port, data=body.encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    urllib.request.urlopen(req, timeout=60).read()
PY
echo "rss after writing $DISTINCT distinct counters: $(rss) MB"
jcmd "$pid" JFR.start name=mem settings=profile filename="$work/mem.jfr" >/dev/null
a0=$(metric jvm_gc_memory_allocated_bytes_total); w0=$(metric count_edge_writes_total)
wrk -t1 -c32 -d"${secs}s" -s bench/distinct.lua "http://127.0.0.1:$port" > "$work/wrk.txt" &
wrkpid=$!
max=0
for t in $(seq 10 10 "$secs"); do
  sleep 10
  r=$(rss); [ "$r" -gt "$max" ] && max=$r
  echo "t=${t}s rss=${r} MB"
done
wait $wrkpid || true
a1=$(metric jvm_gc_memory_allocated_bytes_total); w1=$(metric count_edge_writes_total)
grep -E "Requests/sec|requests in" "$work/wrk.txt"
echo "writes: $((w1 - w0)); allocated per write: $(( (a1 - a0) / (w1 - w0 > 0 ? w1 - w0 : 1) )) B"
jcmd "$pid" JFR.stop name=mem >/dev/null
"$(bin/find-jdk)/bin/jfr" view --width 160 allocation-by-site "$work/mem.jfr" | head -25 || true
jcmd "$pid" GC.run >/dev/null; sleep 1
jcmd "$pid" GC.heap_info | head -5
jcmd "$pid" GC.class_histogram | head -16
echo "rss max: $max MB; rss at end, after a full GC: $(rss) MB"
echo "load: $(uptime); dir $work"
