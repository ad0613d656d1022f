#!/usr/bin/env bash
# SSE memory and latency (bench/RESULTS.md, "SSE: memory and latency"). Kafka and Redis from
# `countctl dev --infra-only`, then a worker and an edge as their own processes, and
# `countctl bench-live` as another, each pinned to its cores with taskset:
#   SSE_EDGE_CPUS (default 0)   the edge, the worker, Kafka and Redis
#   SSE_LOAD_CPUS (default 1)   the load generator
#   SSE_EDGE_JAR                 another edge-node.jar to measure (e.g. one built from an older commit)
#   SSE_WRITE_RATE (default 1000) writes per second while the connections are held
# Heap per connection is the edge's live heap (jcmd GC.class_histogram, after a full GC) with the
# connections open minus before; the same is measured on bench/BareSse.java (Vert.x alone).
# Usage: bench/sse.sh [connections (default 10000)] [extra bench-live options…]
# 100 000 connections need: ulimit -n 1048576 (run as root), and the edge's COUNT_SSE_MAX_STREAMS /
# COUNT_MAX_CONNECTIONS raised (this script sets both to the connections asked for, plus room).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
conns=${1:-10000}
shift || true
edge_cpus=${SSE_EDGE_CPUS:-0}
load_cpus=${SSE_LOAD_CPUS:-1}
ulimit -n 1048576 2>/dev/null || ulimit -n "$(ulimit -Hn)" # a container may cap the hard limit (20 000 here)
work=$(mktemp -d /tmp/count-sse.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
log() { printf '[sse] %s\n' "$*" >&2; }
JAVA_HOME=$(bin/find-jdk); export JAVA_HOME
java="$JAVA_HOME/bin/java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 1 300); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.2; done; log "timeout waiting for $1"; return 1; }
log "work dir $work; edge side on cpus $edge_cpus, load generator on cpus $load_cpus; $(uptime)"

taskset -c "$edge_cpus" $java -XX:+UseSerialGC -Xmx512m -jar cli/target/countctl.jar dev --infra-only \
  --data-dir "$work/dev" --port "$(free_port)" > "$work/infra.txt" 2> "$work/infra.log" &
pids+=($!)
for _ in $(seq 1 300); do grep -q COUNT_REDIS_URL "$work/infra.txt" 2>/dev/null && break; sleep 0.2; done
# shellcheck disable=SC2046
export $(cat "$work/infra.txt")
export COUNT_INTERNAL_SECRET=$(python3 -c 'import secrets; print(secrets.token_hex(24))')
eport=$(free_port); wport=$(free_port); iport=$(free_port)
COUNT_CLUSTER=sse COUNT_HTTP_PORT=$wport COUNT_PARTITIONS=4 \
  taskset -c "$edge_cpus" $java -jar worker/target/worker.jar > "$work/worker.log" 2>&1 &
pids+=($!)
COUNT_CLUSTER=sse COUNT_HTTP_PORT=$eport COUNT_INTERNAL_PORT=$iport COUNT_ADVERTISED_URL=http://127.0.0.1:$iport \
  COUNT_PARTITIONS=4 COUNT_SSE_MAX_STREAMS=$((conns + 1000)) COUNT_MAX_CONNECTIONS=$((conns + 2000)) \
  taskset -c "$edge_cpus" $java -jar "${SSE_EDGE_JAR:-edge-node/target/edge-node.jar}" > "$work/edge.log" 2>&1 &
edge_pid=$!
pids+=($edge_pid)
wait_http "http://127.0.0.1:$eport/readyz"
wait_http "http://127.0.0.1:$wport/readyz"
bench() { taskset -c "$load_cpus" $java -Xss256k -jar cli/target/countctl.jar bench-live "$@"; }
log "warm-up: 1000 connections, 500 writes/s for 15 s"
bench --url "http://127.0.0.1:$eport" --connections 1000 --counters 500 --write-rate 500 --duration 15s -o json \
  > "$work/warm.json" 2> "$work/warm.log" || true
rate=${SSE_WRITE_RATE:-1000}
log "edge: $conns connections, $rate writes/s for 20 s"
bench --url "http://127.0.0.1:$eport" --connections "$conns" --counters 1000 --write-rate "$rate" --duration 20s \
  --edge-pid "$edge_pid" --histograms "$work/edge-hist" "$@" > "$work/edge.txt" 2> "$work/edge-bench.log" || true
cat "$work/edge.txt"
bport=$(free_port)
taskset -c "$edge_cpus" $java -cp cli/target/countctl.jar bench/BareSse.java "$bport" router strict > "$work/bare.log" 2>&1 &
bare_pid=$!
pids+=($bare_pid)
wait_http "http://127.0.0.1:$bport/metrics"
log "bare Vert.x SSE (Router, strict thread mode as the edge), $conns connections"
bench --url "http://127.0.0.1:$bport" --connections "$conns" --counters 1000 --write-rate 1 --duration 1s --settle 0s \
  --edge-pid "$bare_pid" --histograms "$work/bare-hist" > "$work/bare.txt" 2> "$work/bare-bench.log" || true
grep -E "connections_held|heap|  " "$work/bare.txt" || cat "$work/bare.txt"
log "done; $(uptime); logs in $work"
