#!/usr/bin/env bash
# The rows of issue #14 in one run, each against a reference measured in the same run, on this
# machine; writes the top of bench/RESULTS.md (everything from "## Reading these numbers" on is
# kept as it is). A benchmark, not a test: it prints numbers, it asserts nothing.
#
#   bench/run.sh                       every row (about 12 minutes with the defaults)
#   BENCH_ROWS="put_buffered get" bench/run.sh   only these rows; the table goes to stdout and
#                                      $work/RESULTS-top.md, bench/RESULTS.md is left alone
# Rows: put_buffered bare_vertx hot_durable put_durable latency_durable latency_buffered
#       bench_client batch get sse memory
# Environment: BENCH_SECONDS (10) per measurement, BENCH_WARMUP (15) seconds of the same load
# before each measurement on a server, BENCH_MEMORY=1 adds the memory row (BENCH_MEMORY_SECONDS,
# 120), BENCH_SSE_CONNECTIONS (10000), BENCH_PIN (1: servers on cores 0..n-2, load generators on
# core n-1, with taskset; 0: no pinning).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
secs=${BENCH_SECONDS:-10}
warm=${BENCH_WARMUP:-15}
sse_conns=${BENCH_SSE_CONNECTIONS:-10000}
mem_secs=${BENCH_MEMORY_SECONDS:-120}
all_rows="put_buffered bare_vertx hot_durable put_durable latency_durable latency_buffered bench_client batch get sse"
[ "${BENCH_MEMORY:-0}" = 1 ] && all_rows="$all_rows memory"
rows=${BENCH_ROWS:-$all_rows}
ulimit -n 65536 2>/dev/null || true
work=$(mktemp -d /tmp/count-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
log() { printf '\033[1m[bench]\033[0m %s\n' "$*" >&2; }
want() { case " $rows " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
t_start=$(date +%s)

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || missing+=(nginx-light)
command -v redis-benchmark >/dev/null || missing+=(redis-tools)
command -v curl >/dev/null || missing+=(curl)
command -v taskset >/dev/null || missing+=(util-linux)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
JAVA_HOME=$(bin/find-jdk); export JAVA_HOME
java="$JAVA_HOME/bin/java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
if [ ! -f cli/target/countctl.jar ] || [ ! -f edge-node/target/edge-node.jar ] || [ ! -f worker/target/worker.jar ]; then
  log "building jars"
  ./mvnw -q -B -DskipTests package
fi

# --- cores: servers on one set, load generators on another ------------------------------------
cores=$(nproc)
if [ "${BENCH_PIN:-1}" = 1 ] && [ "$cores" -ge 2 ]; then
  srv_cpus="0-$((cores - 2))"; gen_cpus="$((cores - 1))"; srv_cores=$((cores - 1)); gen_cores=1
  pinning="servers (nginx, bare Vert.x, edge, worker, Kafka, Redis) pinned to cores $srv_cpus, load generators (wrk, redis-benchmark, countctl bench, bench-live) to core $gen_cpus, with taskset"
else
  srv_cpus="0-$((cores - 1))"; gen_cpus=$srv_cpus; srv_cores=$cores; gen_cores=$cores
  pinning="no pinning: servers and load generators share all $cores cores"
fi
srv="taskset -c $srv_cpus"
gen="taskset -c $gen_cpus"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 1 600); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.2; done; log "timeout waiting for $1"; return 1; }
metric() { curl -s "$1/metrics" | awk -v m="$2" '$1 ~ "^"m"(\\{|$)" {s+=$2} END {printf "%.0f", s}'; }
# wrk with one thread (as the issue measures); prints requests/s. Raw output kept in $work/wrk-<name>.txt.
wrkrun() { # name connections seconds url script
  $gen wrk -t1 -c"$2" -d"$3"s --latency -s "$5" "$4" > "$work/wrk-$1.txt" 2>&1 || true
  awk '/Requests\/sec/ {print $2}' "$work/wrk-$1.txt"
}
warmup() { # connections url script: the same load, thrown away
  log "  warm-up ${warm}s"
  $gen wrk -t1 -c"$1" -d"${warm}"s -s "$3" "$2" > /dev/null 2>&1 || true
}
non2xx() { awk '/Non-2xx/ {print $NF}' "$work/wrk-$1.txt"; }
ratio() { python3 -c "import sys; a,b=sys.argv[1],sys.argv[2]
try: print(f'{float(a)/float(b):.2f}')
except Exception: print('n/a')" "$1" "$2"; }
k() { python3 -c "import sys
try: print(f'{float(sys.argv[1])/1000:.1f} K/s')
except Exception: print('n/a')" "$1"; }
js() { python3 -c "import json,sys
try:
  d=json.load(open(sys.argv[1])); v=d
  for p in sys.argv[2].split('.'): v=v[p]
  print(('yes' if v else 'no') if isinstance(v,bool) else round(v,2) if isinstance(v,float) else v)
except Exception: print('n/a')" "$1" "$2"; }
declare -A ROW

# --- reference: nginx answering a constant JSON (running for the whole script; idle, it costs nothing)
nport=$(free_port)
mkdir -p "$work/nginx"
cat > "$work/nginx/nginx.conf" <<NGINX
worker_processes $srv_cores;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 8192; }
http {
  access_log off;
  keepalive_requests 10000000;
  client_body_temp_path $work/nginx;
  server {
    listen 127.0.0.1:$nport;
    location / { default_type application/json; return 200 '{"count":1,"updated_at":"2026-01-01T00:00:00Z"}'; }
  }
}
NGINX
$srv nginx -c "$work/nginx/nginx.conf" -g 'daemon off;' &
pids+=($!)
nginx_url="http://127.0.0.1:$nport"
wait_http "$nginx_url/"

# --- Kafka and Redis (countctl dev --infra-only), started when a row needs them ----------------
kafka=""; redis=""; redis_port=""
start_infra() {
  [ -n "$kafka" ] && return 0
  log "starting Kafka and Redis (countctl dev --infra-only)"
  $srv $java -jar cli/target/countctl.jar dev --infra-only --data-dir "$work/infra" > "$work/infra.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 600); do grep -q '^COUNT_REDIS_URL=' "$work/infra.log" && break; sleep 0.2; done
  kafka=$(sed -n 's/^COUNT_KAFKA_BOOTSTRAP=//p' "$work/infra.log")
  redis=$(sed -n 's/^COUNT_REDIS_URL=//p' "$work/infra.log")
  redis_port=${redis##*:}
  [ -n "$kafka" ] && [ -n "$redis" ] || { cat "$work/infra.log"; exit 1; }
}
platform=""; edge_url=""
start_platform() { # cluster ack-mode flush-ms -> sets edge_url (stops the running one first)
  [ "$platform" = "$1" ] && return 0
  stop_platform
  start_infra
  local cluster=$1 mode=$2 flush=$3 eport wport
  eport=$(free_port); wport=$(free_port)
  export COUNT_INTERNAL_SECRET=${COUNT_INTERNAL_SECRET:-$(python3 -c 'import secrets; print(secrets.token_hex(24))')} # worker → edge webhook
  log "starting worker and edge ($mode, flush ${flush} ms)"
  COUNT_CLUSTER=$cluster COUNT_KAFKA_BOOTSTRAP=$kafka COUNT_REDIS_URL=$redis COUNT_HTTP_PORT=$wport COUNT_PARTITIONS=4 \
    $srv $java -XX:+UseZGC -jar worker/target/worker.jar > "$work/worker-$cluster.log" 2>&1 &
  pids+=($!)
  COUNT_CLUSTER=$cluster COUNT_KAFKA_BOOTSTRAP=$kafka COUNT_REDIS_URL=$redis COUNT_HTTP_PORT=$eport COUNT_PARTITIONS=4 \
    COUNT_ACK_MODE=$mode COUNT_FLUSH_MS=$flush $srv $java -jar edge-node/target/edge-node.jar > "$work/edge-$cluster.log" 2>&1 &
  pids+=($!)
  edge_url="http://127.0.0.1:$eport"
  wait_http "$edge_url/readyz"
  wait_http "http://127.0.0.1:$wport/readyz"
  platform=$cluster
}
stop_platform() {
  [ -z "$platform" ] && return 0
  kill "${pids[-1]}" "${pids[-2]}" 2>/dev/null || true
  wait "${pids[-1]}" "${pids[-2]}" 2>/dev/null || true
  unset 'pids[-1]'; unset 'pids[-1]'
  platform=""
}
countctl() { $gen $java -XX:+UseZGC -jar cli/target/countctl.jar "$@"; }

log "nginx warm-up ${warm}s (reference for every HTTP row)"
warmup 64 "$nginx_url/v1/post-1/likes" bench/put.lua

# --- buffered edge: PUT, GET, latency at 10 000 writes/s, batch ---------------------------------
if want put_buffered || want get || want latency_buffered || want batch; then
  start_platform bench-buffered buffered 1000
fi
if want put_buffered; then
  log "row put_buffered: wrk PUT, 64 connections, buffered edge vs nginx"
  warmup 64 "$edge_url/v1/post-1/likes" bench/put.lua
  w0=$(metric "$edge_url" count_edge_writes_total); r0=$(metric "$edge_url" count_edge_flush_records_total)
  e=$(wrkrun put-buffered 64 "$secs" "$edge_url/v1/post-1/likes" bench/put.lua)
  n=$(wrkrun put-nginx 64 "$secs" "$nginx_url/v1/post-1/likes" bench/put.lua)
  sleep 1.5 # the last 1 s interval flushes before the record count is read
  w1=$(metric "$edge_url" count_edge_writes_total); r1=$(metric "$edge_url" count_edge_flush_records_total)
  ROW[put_buffered]="| \`PUT\`, buffered, 64 connections (\`wrk -t1 -c64\`) | $(k "$e") | nginx: $(k "$n") | $(ratio "$e" "$n") | ≥ 0.8 |"
  ROW[records]="| Kafka records ÷ increments, buffered, 1 s flush (during the row above) | $((r1 - r0)) records for $((w1 - w0)) increments | | 1/$(( (w1 - w0) / ( (r1 - r0) > 0 ? (r1 - r0) : 1 ) )) | ≤ 1/10 000 |"
fi
if want get; then
  log "row get: wrk GET of a hot counter, 64 connections, edge vs nginx"
  curl -s -X PUT "$edge_url/v1/hot-get/likes" -d '{"action":"increment"}' >/dev/null
  warmup 64 "$edge_url/v1/hot-get/likes" /dev/null
  e=$(wrkrun get-edge 64 "$secs" "$edge_url/v1/hot-get/likes" /dev/null)
  n=$(wrkrun get-nginx 64 "$secs" "$nginx_url/v1/hot-get/likes" /dev/null)
  ROW[get]="| \`GET\` of a hot counter, 64 connections | $(k "$e") | nginx: $(k "$n") | $(ratio "$e" "$n") | ≥ 0.8 |"
fi
if want latency_buffered; then
  log "row latency_buffered: countctl bench --rate 10000 --concurrency 20, buffered edge"
  countctl bench --url "$edge_url" --rate 10000 --concurrency 20 --warmup "${warm}s" --duration "${secs}s" -o json \
    > "$work/latency-buffered.json" 2> "$work/latency-buffered.log" || true
  f="$work/latency-buffered.json"
  ROW[latency_buffered]="| buffered write latency at 10 000 writes/s (\`countctl bench --rate 10000 -c 20\`) | p50 $(js "$f" p50Millis) ms, p99 $(js "$f" p99Millis) ms; corrected for coordinated omission p99 $(js "$f" correctedP99Millis) ms; sent $(js "$f" sentPerSecond)/s, target reached: $(js "$f" rateReached), exact: $(js "$f" exact) | | — | p99 ≤ 1 ms |"
fi
if want batch; then
  log "row batch: wrk POST /v1/batch (1 000 writes over 100 counters), 16 connections, buffered"
  warmup 16 "$edge_url/v1/batch" bench/batch.lua
  bb=$(wrkrun batch-buffered 16 "$secs" "$edge_url/v1/batch" bench/batch.lua)
  bad_bb=$(non2xx batch-buffered)
fi

# --- durable edge: hot counter, PUT at 512, latency at 1 000 writes/s, countctl bench vs wrk, batch
if want hot_durable || want put_durable || want latency_durable || want bench_client || want batch; then
  start_platform bench-durable durable 5
fi
if want put_durable; then
  log "row put_durable: wrk PUT, 512 connections, durable edge vs nginx"
  warmup 512 "$edge_url/v1/post-1/likes" bench/put.lua
  e=$(wrkrun put-durable 512 "$secs" "$edge_url/v1/post-1/likes" bench/put.lua)
  n=$(wrkrun put-nginx-512 512 "$secs" "$nginx_url/v1/post-1/likes" bench/put.lua)
  ROW[put_durable]="| \`PUT\` durable, 512 connections | $(k "$e") | nginx: $(k "$n") | $(ratio "$e" "$n") | ≥ 0.5 |"
fi
if want hot_durable; then
  log "row hot_durable: one hot counter, 512 connections, durable, count checked in Redis"
  warmup 512 "$edge_url/v1/warm/likes" bench/put.lua # another counter
  hot="hot-$(date +%s)"
  before=$(metric "$edge_url" count_edge_writes_total)
  e=$(wrkrun hot-durable 512 "$secs" "$edge_url/v1/$hot/likes" bench/put.lua)
  accepted=""; stored=""
  for _ in $(seq 1 150); do # the edge's metric settles once the last answers are out; Redis once the worker commits
    accepted=$(( $(metric "$edge_url" count_edge_writes_total) - before ))
    stored=$(redis-cli -p "$redis_port" hget "{bench-durable}:c:$hot/likes" p)
    [ "$stored" = "$accepted" ] && break
    sleep 0.2
  done
  exact=$([ "$stored" = "$accepted" ] && echo "exact: $stored in Redis = $accepted acknowledged" || echo "MISMATCH: Redis p = $stored, acknowledged $accepted")
  log "  redis-benchmark INCR, 50 clients"
  # redis-benchmark counts requests, not seconds: a short run sizes the measured one to about ${secs} s.
  r=$($gen redis-benchmark -p "$redis_port" -c 50 -n 20000 -t incr --csv 2>/dev/null | awk -F'","' '/INCR/ {print $2}')
  r=$($gen redis-benchmark -p "$redis_port" -c 50 -n "$(python3 -c "print(max(20000, int(float('${r:-20000}') * $secs)))")" \
    -t incr --csv 2>/dev/null | awk -F'","' '/INCR/ {print $2}')
  ROW[hot_durable]="| one hot counter, durable, 512 connections, through Kafka and the worker | $(k "$e"); $exact | \`redis-benchmark -t incr -c 50\`: $(k "$r") | $(ratio "$e" "$r") | ≥ 1.0 |"
fi
if want latency_durable; then
  log "row latency_durable: countctl bench --rate 1000 --concurrency 10, durable edge"
  countctl bench --url "$edge_url" --rate 1000 --concurrency 10 --warmup "${warm}s" --duration "${secs}s" -o json \
    > "$work/latency-durable.json" 2> "$work/latency-durable.log" || true
  f="$work/latency-durable.json"
  ROW[latency_durable]="| durable write latency at 1 000 writes/s (\`countctl bench --rate 1000 -c 10\`) | p50 $(js "$f" p50Millis) ms, p99 $(js "$f" p99Millis) ms; corrected for coordinated omission p99 $(js "$f" correctedP99Millis) ms; sent $(js "$f" sentPerSecond)/s, target reached: $(js "$f" rateReached), exact: $(js "$f" exact) | flush interval 5 ms | — | p50 ≤ flush + 5 ms, p99 ≤ 25 ms |"
fi
if want bench_client; then
  # wrk sends the writes countctl bench sends by default (bench/put-mix.lua: 1 000 counters, half of
  # the writes on one, 20 % decrements), so the two differ only in the load generator.
  log "row bench_client: countctl bench (defaults, then --idempotent) vs wrk -t1 -c64 on the durable edge"
  warmup 64 "$edge_url/v1/post-1/likes" bench/put-mix.lua
  wp=$(wrkrun client-wrk 64 "$secs" "$edge_url/v1/post-1/likes" bench/put-mix.lua)
  countctl bench --url "$edge_url" --duration "${secs}s" -o json > "$work/client-bench.json" 2> "$work/client-bench.log" || true
  wk=$(BENCH_KEYED=1 wrkrun client-wrk-keyed 64 "$secs" "$edge_url/v1/post-1/likes" bench/put-mix.lua)
  countctl bench --url "$edge_url" --duration "${secs}s" --idempotent -o json > "$work/client-bench-keyed.json" 2> "$work/client-bench-keyed.log" || true
  bp=$(js "$work/client-bench.json" requestsPerSecond); bk=$(js "$work/client-bench-keyed.json" requestsPerSecond)
  ROW[bench_client]="| \`countctl bench\`, ${secs} s, its defaults (64 connections) / with \`--idempotent\`, durable edge | $(k "$bp") (p50 $(js "$work/client-bench.json" p50Millis) ms, exact: $(js "$work/client-bench.json" exact)) / $(k "$bk") (p50 $(js "$work/client-bench-keyed.json" p50Millis) ms, exact: $(js "$work/client-bench-keyed.json" exact)) | wrk -t1 -c64, same edge, same writes (\`bench/put-mix.lua\`): $(k "$wp") / with a fresh \`Idempotency-Key\` per request: $(k "$wk") | $(ratio "$bp" "$wp") / $(ratio "$bk" "$wk") | ≥ 0.8 |"
fi
if want batch; then
  log "row batch: the same, durable"
  warmup 16 "$edge_url/v1/batch" bench/batch.lua
  bd=$(wrkrun batch-durable 16 "$secs" "$edge_url/v1/batch" bench/batch.lua)
  bad_bd=$(non2xx batch-durable)
  m() { python3 -c "import sys
try: print(f'{float(sys.argv[1])*1000/1e6:.2f} M increments/s')
except Exception: print('n/a')" "$1"; }
  ROW[batch]="| \`POST /v1/batch\`, 1 000 writes over 100 counters, 16 connections | durable $(m "$bd") ($bd batches/s${bad_bd:+, $bad_bd non-2xx}), buffered $(m "${bb:-}") (${bb:-n/a} batches/s${bad_bb:+, $bad_bb non-2xx}) | — | — | ≥ 5 M/s durable |"
fi

# --- SSE: connections held, heap per connection, change → event at 1 000 writes/s ---------------
if want sse; then
  start_platform bench-durable durable 5
  log "row sse: countctl bench-live, $sse_conns SSE connections, 1 000 writes/s for 20 s"
  $gen $java -XX:+UseZGC -Xss256k -jar cli/target/countctl.jar bench-live --url "$edge_url" --connections "$sse_conns" \
    --counters 1000 --write-rate 1000 --duration 20s -o json > "$work/live.json" 2> "$work/live.log" || true
  f="$work/live.json"
  ROW[sse_memory]="| SSE: heap per connection / connections held on one edge | $(js "$f" edge_heap_per_connection_kb) KB ($(js "$f" edge_heap_before_mb) → $(js "$f" edge_heap_after_connect_mb) MB) / $(js "$f" connections_held) of $(js "$f" connections_requested) | | — | ≤ 4 KB / 100 K held |"
  ROW[sse_latency]="| change → SSE event at 1 000 writes/s | p50 $(js "$f" latency_p50_ms) ms, p99 $(js "$f" latency_p99_ms) ms ($(js "$f" events) events; from the write's answer: p99 $(js "$f" ack_to_event_p99_ms) ms); stale streams $(js "$f" stale_streams), steps backwards $(js "$f" backward_steps) | flush interval 5 ms | — | p99 ≤ flush + 500 ms |"
fi
stop_platform

# --- the bare Vert.x 5 server vs nginx: the ceiling of the edge's HTTP stack -------------------
if want bare_vertx; then
  bport=$(free_port)
  log "row bare_vertx: bench/BareVertx.java ($srv_cores event loops) vs nginx"
  $srv $java -cp edge-node/target/edge-node.jar bench/BareVertx.java "$bport" "$srv_cores" > "$work/bare-vertx.log" 2>&1 &
  pids+=($!)
  wait_http "http://127.0.0.1:$bport/"
  warmup 64 "http://127.0.0.1:$bport/v1/post-1/likes" bench/put.lua
  b=$(wrkrun bare-vertx 64 "$secs" "http://127.0.0.1:$bport/v1/post-1/likes" bench/put.lua)
  n=$(wrkrun bare-nginx 64 "$secs" "$nginx_url/v1/post-1/likes" bench/put.lua)
  kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true; unset 'pids[-1]'
  ROW[bare_vertx]="| the same \`PUT\` load on a bare Vert.x 5 server answering a constant after reading the body (\`bench/BareVertx.java\`, $srv_cores event loop(s)) | $(k "$b") | nginx: $(k "$n") | $(ratio "$b" "$n") | (the ceiling) |"
fi

# --- countctl dev's resident memory after writes to many distinct counters (BENCH_MEMORY=1) -----
if want memory; then
  dport=$(free_port)
  log "row memory: countctl dev, ${mem_secs}s of writes to many distinct counters"
  $srv $java -XX:+UseZGC -jar cli/target/countctl.jar dev --port "$dport" --data-dir "$work/dev-memory" > "$work/dev-memory.log" 2>&1 &
  dev_pid=$!; pids+=($dev_pid)
  wait_http "http://127.0.0.1:$dport/readyz"
  rss() { awk '/VmRSS/ {printf "%.2f", $2/1048576}' "/proc/$1/status"; }
  rss0=$(rss "$dev_pid")
  $gen wrk -t1 -c64 -d"${mem_secs}"s -s bench/put-distinct.lua "http://127.0.0.1:$dport/v1/x/likes" > "$work/wrk-memory.txt" 2>&1 || true
  sent=$(awk '/requests in/ {print $1}' "$work/wrk-memory.txt")
  rss1=$(rss "$dev_pid")
  kill "$dev_pid"; wait "$dev_pid" 2>/dev/null || true; unset 'pids[-1]'
  ROW[memory]="| \`countctl dev\` resident memory after ${mem_secs} s of writes to distinct counters (wrk, ids drawn from 1 M) | ${rss1} GB RSS (${rss0} GB at start), ${sent} writes | seed 004: 1.2 GB per server | — | ≤ 1 GB RSS |"
fi

load_after=$(cut -d' ' -f1-3 /proc/loadavg)
t_total=$(( $(date +%s) - t_start ))
order="put_buffered bare_vertx hot_durable put_durable latency_durable latency_buffered bench_client batch get sse_memory sse_latency memory records"
top="$work/RESULTS-top.md"
{
  echo "# Benchmark results"
  echo
  echo "Measured by \`bench/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), in one run of ${t_total} s: $(nproc) cores"
  echo "($(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)), $(free -g | awk '/Mem:/ {print $2}') GiB, load average $load_before before and $load_after after;"
  echo "$("$JAVA_HOME/bin/java" -version 2>&1 | head -1). Everything runs on this one host; $pinning"
  echo "(servers had $srv_cores core(s), load generators $gen_cores). Every figure is a ${secs} s run after ${warm} s of the"
  echo "same load on the same server (redis-benchmark: none, no JIT); wrk has one thread (\`-t1\`), as in issue #14;"
  echo "each reference is measured right after its row, in the same minute."
  echo
  echo "| what | measured | reference | ratio | goal |"
  echo "|---|---|---|---|---|"
  for r in $order; do [ -n "${ROW[$r]:-}" ] && echo "${ROW[$r]}"; done
  echo
  echo "Raw output (wrk with \`--latency\`, countctl JSON) and the components' logs of this run: \`$work\`."
  echo "Re-run one row: \`BENCH_ROWS=put_buffered bench/run.sh\` (rows: put_buffered bare_vertx hot_durable put_durable latency_durable latency_buffered bench_client batch get sse memory; \`BENCH_MEMORY=1\` adds memory to a full run)."
  echo
} > "$top"
if [ -z "${BENCH_ROWS:-}" ]; then
  keep="$work/RESULTS-rest.md"
  # Everything from "## Reading these numbers" on (other sections are written by hand or by other scripts).
  awk 'f || /^## Reading these numbers/ {f=1; print}' bench/RESULTS.md > "$keep" 2>/dev/null || true
  cat "$top" "$keep" > bench/RESULTS.md
  log "wrote bench/RESULTS.md (top table; the rest kept)"
else
  log "BENCH_ROWS set: bench/RESULTS.md left alone; table in $top"
fi
cat "$top"
log "done in ${t_total} s"
