#!/usr/bin/env bash
# Two regions on this machine (two `countctl dev`, each with its own Kafka and Redis, linked by
# their region-merge roles): write-to-visible latency in the other region, idle and under steady
# load (countctl bench on eu), and the bytes shipped per changed counter (region-merge metrics).
# Usage: bench/regions.sh   (BENCH_SECONDS=45 of load)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
secs=${BENCH_SECONDS:-45}
work=$(mktemp -d /tmp/count-regions.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
log() { printf '\033[1m[regions]\033[0m %s\n' "$*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 1 600); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.2; done; log "timeout waiting for $1"; return 1; }
metric() { curl -s "$1/metrics" | awk -v m="$2" '$1 ~ "^"m"(\\{|$)" {s+=$2} END {printf "%.0f", s}'; }

bin/countctl --version >/dev/null   # build once, before two instances start
ea=$(free_port); eb=$(free_port); ma=$(free_port); mb=$(free_port)
bin/countctl dev --port "$ea" --data-dir "$work/eu" --region eu --merge-port "$ma" --peers "us=http://127.0.0.1:$mb" > "$work/eu.log" 2>&1 &
pids+=($!)
bin/countctl dev --port "$eb" --data-dir "$work/us" --region us --merge-port "$mb" --peers "eu=http://127.0.0.1:$ma" > "$work/us.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$ea/readyz"; wait_http "http://127.0.0.1:$eb/readyz"
log "idle: eu → us"
idle=$(bench/region-latency.py "http://127.0.0.1:$ea" "http://127.0.0.1:$eb" 100)
bytes0=$(metric "http://127.0.0.1:$ma" count_merge_shipped_bytes_total)
entries0=$(metric "http://127.0.0.1:$ma" count_merge_entries_shipped_total)
log "steady load on eu for ${secs}s, latency eu → us meanwhile"
bin/countctl bench --url "http://127.0.0.1:$ea" --duration "${secs}s" --concurrency 8 --counters 2000 > "$work/bench.log" 2>&1 &
bench=$!
sleep 5
loaded=$(bench/region-latency.py "http://127.0.0.1:$ea" "http://127.0.0.1:$eb" 100)
wait "$bench" || true
bytes1=$(metric "http://127.0.0.1:$ma" count_merge_shipped_bytes_total)
entries1=$(metric "http://127.0.0.1:$ma" count_merge_entries_shipped_total)
per=$(python3 -c "print(round(($bytes1-$bytes0)/max(1,$entries1-$entries0),1))")
echo "idle   eu → us: $idle"
echo "loaded eu → us: $loaded"
echo "bench on eu:    $(grep -E '^rate' "$work/bench.log" | tr -s ' ')"
echo "shipped eu → us during the load: $((bytes1-bytes0)) bytes gzip for $((entries1-entries0)) counter entries = $per bytes per changed counter (heartbeats included)"
echo "logs: $work"
