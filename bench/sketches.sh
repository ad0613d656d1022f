#!/usr/bin/env bash
# Sketch costs on `countctl dev` (durable, the default): edge PUT throughput with and without a
# user + item on every write (same wrk load, same run), and the bytes a counter's sketches take at
# rest in Redis (MEMORY USAGE) for a few sizes of audience. Usage: bench/sketches.sh
# (BENCH_SECONDS=15 per measurement after a 15 s warm-up; BENCH_CONNECTIONS=64)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
secs=${BENCH_SECONDS:-15}
conns=${BENCH_CONNECTIONS:-64}
work=$(mktemp -d /tmp/count-sketch.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
log() { printf '\033[1m[sketches]\033[0m %s\n' "$*" >&2; }
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v redis-cli >/dev/null || missing+=(redis-tools)
command -v curl >/dev/null || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 1 600); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.2; done; log "timeout waiting for $1"; return 1; }
rps() { awk '/Requests\/sec/ {print $2}'; }

port=$(free_port)
bin/countctl --version >/dev/null # builds if needed, before the clock starts
log "starting countctl dev on :$port"
bin/countctl dev --port "$port" --data-dir "$work/data" > "$work/dev.log" 2>&1 &
pids+=($!)
url="http://127.0.0.1:$port"
wait_http "$url/readyz"
redis_port=$(sed -n 's/.*Redis *redis:\/\/[^:]*:\([0-9]*\).*/\1/p' "$work/dev.log" | head -1)

log "warm-up: ${secs}s of each kind of write"
wrk -t1 -c$conns -d${secs}s -s bench/put.lua "$url/v1/warm/likes" > /dev/null
wrk -t1 -c$conns -d${secs}s -s bench/put-sketch.lua "$url/v1/warm/views" > /dev/null
# Each run starts once the workers have applied the previous one (its counter stops moving), so a
# run does not pay for its predecessor's backlog. Order: plain, sketched, plain, sketched.
settle() { local last="" now; for _ in $(seq 1 150); do now=$(curl -s "$url/v1/$1"); [ "$now" = "$last" ] && return 0; last=$now; sleep 1; done; }
settle warm/views
run() { # name script counter
  log "$1 (${secs}s, $conns connections)"
  wrk -t1 -c$conns -d${secs}s -s "bench/$2" "$url/v1/$3" | tee "$work/wrk-$1.txt" | rps
  settle "$3"
}
plain=$(run plain-1 put.lua video-1/likes)
sketched=$(run sketched-1 put-sketch.lua video-1/views)
plain2=$(run plain-2 put.lua video-2/likes)
sketched2=$(run sketched-2 put-sketch.lua video-2/views)

# Bytes at rest: counters with 1, 10, 1 000, 10 000 and 200 000 distinct users (and as many items,
# capped at 5 000 distinct), written through POST /v1/batch.
sizes="1 10 1000 10000 200000"
python3 - "$url" $sizes <<'PY'
import json, sys, urllib.request
url = sys.argv[1]
for n in map(int, sys.argv[2:]):
    writes = [{"id": f"aud-{n}", "counter": "views", "action": "increment", "user": f"u-{i}", "item": f"i-{i % 5000}"} for i in range(n)]
    for start in range(0, n, 5000):
        body = json.dumps({"writes": writes[start:start + 5000]}).encode()
        req = urllib.request.Request(url + "/v1/batch", data=body, method="POST", headers={"Content-Type": "application/json"})
        urllib.request.urlopen(req).read()
    # users only, for the unique sketch alone
    writes = [{"id": f"users-{n}", "counter": "views", "action": "increment", "user": f"u-{i}"} for i in range(n)]
    for start in range(0, n, 5000):
        body = json.dumps({"writes": writes[start:start + 5000]}).encode()
        urllib.request.urlopen(urllib.request.Request(url + "/v1/batch", data=body, method="POST", headers={"Content-Type": "application/json"})).read()
PY
for _ in $(seq 1 100); do
  c=$(curl -s "$url/v1/aud-200000/views" | python3 -c 'import json,sys; print(json.load(sys.stdin)["count"])')
  [ "$c" = "200000" ] && break; sleep 0.3
done
sleep 2 # the last flushes of the users-only counters
mem() { # sum of MEMORY USAGE over keys matching a pattern
  local total=0 k
  while read -r k; do [ -n "$k" ] && total=$((total + $(redis-cli -p "$redis_port" memory usage "$k" samples 0))); done \
    < <(redis-cli -p "$redis_port" --scan --pattern "$1")
  echo "$total"
}
rows=""
for n in $sizes; do
  u=$(mem "{count}:u:users-$n/views")
  ua=$(mem "{count}:u:aud-$n/views")
  fall=$(mem "{count}:f:*:all:*:aud-$n/views")
  fwin=$(( $(mem "{count}:f:*:aud-$n/views") - fall ))
  est=$(curl -s "$url/v1/users-$n/views/unique")
  rows+="| $n | $u | $ua | $fall | $fwin | \`$est\` |"$'\n'
done
partitions=$(grep -c . <(redis-cli -p "$redis_port" hkeys "{count}:u:aud-200000/views" | grep '^p')) || true
ratio=$(python3 -c "print(f'{(float($sketched)+float($sketched2))/(float($plain)+float($plain2)):.2f}')")
cat > "$work/result.md" <<MD
## Sketches (\`bench/sketches.sh\`, $(date -u +%Y-%m-%d), $(nproc) cores; wrk, edge, Kafka, Redis and workers share them)

| what | measured | reference | ratio | goal |
|---|---|---|---|---|
| \`PUT\` with \`user\` + \`item\` (200 000 users, 1 000 skewed items), durable, ${conns} connections | ${sketched} and ${sketched2} req/s | plain \`PUT\`, alternating with them: ${plain} and ${plain2} req/s | ${ratio} | ≥ 0.7 |

Bytes at rest in Redis (\`MEMORY USAGE\`, key overhead included) per counter, by distinct users; the
counter's writes reached ${partitions} of the topic's partitions (one field each):

| distinct users | unique sketch (users only) | unique sketch (with items) | top-K \`all\` (users + items) | top-K windows 1m+10m+1h+24h (users + items) | \`/unique\` answer |
|---|---|---|---|---|---|
${rows}
MD
{
  echo
  echo "Sketch sizes by audience at the defaults (bench/SketchBytes.java: serialized = a batch's, a Redis field's and a"
  echo "shipment's bytes; heap = what an edge holds per counter during one flush interval, retained size measured over many instances):"
  echo
  DS=$(ls ~/.m2/repository/org/apache/datasketches/datasketches-java/*/datasketches-java-*.jar | head -1)
  "$(bin/find-jdk)/bin/java" -XX:+UseSerialGC -Xms2g -Xmx2g -cp "core/target/classes:$DS" bench/SketchBytes.java
} >> "$work/result.md"
cat "$work/result.md"
log "raw output in $work (append result.md to bench/RESULTS.md)"
