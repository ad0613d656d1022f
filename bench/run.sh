#!/usr/bin/env bash
# Benchmarks of the Count platform against references measured in the same run, on this machine.
# Writes bench/RESULTS.md. Usage: bench/run.sh   (BENCH_SECONDS=10 by default per measurement)
#
# 1. edge PUT throughput (buffered, 64 connections) / a static-200 nginx under the same wrk load
# 2. one hot counter through the whole pipeline (durable) / redis-benchmark INCR (50 clients),
#    and whether the final count equals the writes the edge accepted
# 3. Kafka records / increments with a 1 s flush (edge metrics)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
secs=${BENCH_SECONDS:-10}
conns=64
hot_conns=${BENCH_HOT_CONNECTIONS:-256}   # durable mode is a group commit: it wants many writers in flight
sse_conns=${BENCH_SSE_CONNECTIONS:-10000}
ulimit -n 65536 2>/dev/null || true
work=$(mktemp -d /tmp/count-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

log() { printf '\033[1m[bench]\033[0m %s\n' "$*" >&2; }

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || missing+=(nginx-light)
command -v redis-benchmark >/dev/null || missing+=(redis-tools)
command -v curl >/dev/null || missing+=(curl)
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

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 1 300); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.2; done; log "timeout waiting for $1"; return 1; }
rps() { awk '/Requests\/sec/ {print $2}'; }
metric() { curl -s "$1/metrics" | awk -v m="$2" '$1 ~ "^"m"(\\{|$)" {s+=$2} END {printf "%.0f", s}'; }

# --- reference: static 200 from nginx -------------------------------------------------------
nport=$(free_port)
mkdir -p "$work/nginx"
cat > "$work/nginx/nginx.conf" <<NGINX
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx;
  server {
    listen 127.0.0.1:$nport;
    location / { default_type application/json; return 200 '{"count":1,"updated_at":"2026-01-01T00:00:00Z"}'; }
  }
}
NGINX
nginx -c "$work/nginx/nginx.conf" -g 'daemon off;' &
pids+=($!)
wait_http "http://127.0.0.1:$nport/"
log "wrk against nginx static 200 (${secs}s, $conns connections)"
nginx_rps=$(wrk -t2 -c$conns -d${secs}s -s bench/put.lua "http://127.0.0.1:$nport/v1/post-1/likes" | tee "$work/wrk-nginx.txt" | rps)
kill "${pids[-1]}"; unset 'pids[-1]'

# --- infrastructure: Kafka + Redis from countctl dev --infra-only ---------------------------
log "starting Kafka and Redis (countctl dev --infra-only)"
$java -jar cli/target/countctl.jar dev --infra-only --data-dir "$work/infra" > "$work/infra.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do grep -q '^COUNT_REDIS_URL=' "$work/infra.log" && break; sleep 0.2; done
kafka=$(sed -n 's/^COUNT_KAFKA_BOOTSTRAP=//p' "$work/infra.log")
redis=$(sed -n 's/^COUNT_REDIS_URL=//p' "$work/infra.log")
redis_port=${redis##*:}
[ -n "$kafka" ] && [ -n "$redis" ] || { cat "$work/infra.log"; exit 1; }

start_platform() { # cluster ack-mode flush-ms -> sets edge_url
  local cluster=$1 mode=$2 flush=$3 eport wport
  eport=$(free_port); wport=$(free_port)
  export COUNT_INTERNAL_SECRET=${COUNT_INTERNAL_SECRET:-$(python3 -c 'import secrets; print(secrets.token_hex(24))')} # worker → edge webhook
  COUNT_CLUSTER=$cluster COUNT_KAFKA_BOOTSTRAP=$kafka COUNT_REDIS_URL=$redis COUNT_HTTP_PORT=$wport COUNT_PARTITIONS=4 \
    $java -jar worker/target/worker.jar > "$work/worker-$cluster.log" 2>&1 &
  pids+=($!)
  COUNT_CLUSTER=$cluster COUNT_KAFKA_BOOTSTRAP=$kafka COUNT_REDIS_URL=$redis COUNT_HTTP_PORT=$eport COUNT_PARTITIONS=4 \
    COUNT_ACK_MODE=$mode COUNT_FLUSH_MS=$flush $java -jar edge-node/target/edge-node.jar > "$work/edge-$cluster.log" 2>&1 &
  pids+=($!)
  edge_url="http://127.0.0.1:$eport"
  wait_http "$edge_url/readyz"
  wait_http "http://127.0.0.1:$wport/readyz"
}
stop_platform() { kill "${pids[-1]}" "${pids[-2]}"; wait "${pids[-1]}" "${pids[-2]}" 2>/dev/null || true; unset 'pids[-1]'; unset 'pids[-1]'; }

# --- 1 + 3: buffered edge throughput, and Kafka records per increment at a 1 s flush ---------
start_platform bench-buffered buffered 1000
curl -s -X PUT "$edge_url/v1/post-1/likes" -d '{"action":"increment"}' >/dev/null # warm the read cache
log "wrk against the edge, buffered mode (${secs}s, $conns connections)"
wrk -t2 -c$conns -d3s -s bench/put.lua "$edge_url/v1/post-1/likes" >/dev/null # JIT warm-up
w0=$(metric "$edge_url" count_edge_writes_total); r0=$(metric "$edge_url" count_edge_flush_records_total)
edge_rps=$(wrk -t2 -c$conns -d${secs}s -s bench/put.lua "$edge_url/v1/post-1/likes" | tee "$work/wrk-edge.txt" | rps)
sleep 1.5 # let the last 1 s interval flush before reading the record count
w1=$(metric "$edge_url" count_edge_writes_total); r1=$(metric "$edge_url" count_edge_flush_records_total)
stop_platform

# --- 2: one hot counter through the whole pipeline, durable, vs redis-benchmark INCR ----------
start_platform bench-durable durable 5
log "wrk against one hot counter, durable mode (${secs}s, $hot_conns connections)"
wrk -t2 -c$hot_conns -d3s -s bench/put.lua "$edge_url/v1/warm/likes" >/dev/null # JIT warm-up, another counter
before=$(metric "$edge_url" count_edge_writes_total)
hot_rps=$(wrk -t2 -c$hot_conns -d${secs}s -s bench/put.lua "$edge_url/v1/hot/likes" | tee "$work/wrk-hot.txt" | rps)
accepted=$(( $(metric "$edge_url" count_edge_writes_total) - before ))
final=""
for _ in $(seq 1 100); do
  final=$(curl -s "$edge_url/v1/hot/likes" | sed -n 's/.*"count":\([0-9-]*\).*/\1/p')
  [ "$final" = "$accepted" ] && break
  sleep 0.2
done
stored=$(redis-cli -p "$redis_port" hget "{bench-durable}:c:hot/likes" p)
stop_platform
log "redis-benchmark INCR (50 clients)"
redis_rps=$(redis-benchmark -p "$redis_port" -c 50 -n $((secs * 100000)) -t incr --csv | awk -F'","' '/INCR/ {print $2}')

# --- 4: live updates: SSE connections held, heap per connection, change-to-event latency --------
start_platform bench-live durable 5
log "countctl bench-live: $sse_conns SSE connections, 1000 writes/s for 20 s"
$java -Xss256k -jar cli/target/countctl.jar bench-live --url "$edge_url" --connections "$sse_conns" --counters 1000 \
  --write-rate 1000 --duration 20s -o json > "$work/live.json" 2> "$work/live.log" || true
live() { python3 -c "import json,sys; d=json.load(open('$work/live.json')); print(round(d['$1'], 2) if isinstance(d['$1'], float) else d['$1'])" 2>/dev/null || echo "n/a"; }
stop_platform

ratio() { python3 -c "print(f'{float($1)/float($2):.2f}')"; }
records=$((r1 - r0)); writes=$((w1 - w0))
cat > bench/RESULTS.md <<MD
# Benchmark results

Measured by \`bench/run.sh\` on $(date -u +%Y-%m-%d) on this machine ($(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB),
everything on one host: load generator, references, Kafka, Redis, worker and edge share the same cores.
Each figure is a ${secs} s run; ratios compare runs made minutes apart in the same script.

| what | measured | reference | ratio | goal |
|---|---|---|---|---|
| edge \`PUT\` throughput, buffered, ${conns} connections (wrk) | ${edge_rps} req/s | nginx static 200: ${nginx_rps} req/s | $(ratio "$edge_rps" "$nginx_rps") | ≥ 0.8 |
| one hot counter through the pipeline, durable (wrk, ${hot_conns} connections) | ${hot_rps} req/s | redis-benchmark INCR, 50 clients: ${redis_rps} req/s | $(ratio "$hot_rps" "$redis_rps") | ≥ 1.0 |
| hot counter final count = writes the edge accepted | ${final} vs ${accepted} (Redis p: ${stored}) | | $([ "$final" = "$accepted" ] && echo exact || echo MISMATCH) | exact |
| Kafka records ÷ increments, 1 s flush | ${records} records for ${writes} increments | | $(python3 -c "print(f'1/{int($writes/max($records,1))}')") | ≤ 1/10 000 |
| SSE connections held on one edge (countctl bench-live) | $(live connections_held) of $(live connections_requested) | | | ≥ 10 000 |
| edge heap per SSE connection | $(live edge_heap_per_connection_kb) KB ($(live edge_heap_before_mb) → $(live edge_heap_after_connect_mb) MB) | | | measured |
| change-to-event latency at 1 000 writes/s | p50 $(live latency_p50_ms) ms, p99 $(live latency_p99_ms) ms ($(live events) events; from the ack: p50 $(live ack_to_event_p50_ms) ms, p99 $(live ack_to_event_p99_ms) ms) | flush interval 5 ms | | p99 ≤ flush + 500 ms |
| live streams stale $(live settle_limit_ms) ms after the writes (bench-live) | $(live stale_streams) of $(live streams) (all current after $(live settled_ms) ms) | | | 0 |
| live steps backwards (a stream showing a smaller count after a larger one) | $(live backward_steps) | | | 0 |

Raw wrk output and component logs of this run: \`$work\`.
MD
cat bench/NOTES.md >> bench/RESULTS.md
cat bench/RESULTS.md
