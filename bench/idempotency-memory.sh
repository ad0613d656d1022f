#!/usr/bin/env bash
# Redis memory per idempotency key (bench/RESULTS.md, "Idempotency keys"): starts `countctl dev`,
# sends KEYS (default "20000 200000") keyed writes with distinct Idempotency-Keys over COUNTERS
# (10) counters through POST /v1/batch (1 000 writes a request), waits until every write is
# counted, and prints Redis used_memory before and after, bytes per key, the buckets' count,
# encodings and MEMORY USAGE. Each KEYS figure gets its own fresh `countctl dev`. Memory figures do
# not depend on how loaded the machine is; the rate printed does.
set -euo pipefail # (no `| head` below: with pipefail the writer's SIGPIPE would end the script)
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
sizes=${KEYS:-"20000 200000"}
counters=${COUNTERS:-10}
command -v redis-cli >/dev/null || { echo "needs redis-cli (apt-get install redis-tools)" >&2; exit 1; }
if [ ! -f cli/target/countctl.jar ]; then ./mvnw -q -B -DskipTests -pl cli -am package; fi
work=$(mktemp -d /tmp/count-idem.XXXXXX)
wrapper=
trap '[ -n "$wrapper" ] && kill $wrapper 2>/dev/null; wait 2>/dev/null || true' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
for n in $sizes; do
  port=$(free_port)
  bin/countctl dev --port "$port" --data-dir "$work/dev-$n" > "$work/dev-$n.log" 2>&1 &
  wrapper=$!
  for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
  redis_url=$(grep -o 'redis://[0-9.:]*' "$work/dev-$n.log" | head -1)
  rport=${redis_url##*:}
  rc() { redis-cli -p "$rport" "$@"; }
  used() { rc info memory | tr -d '\r' | awk -F: '$1 == "used_memory" {print $2}'; }
  # Every counter exists before the baseline, so the difference is the keys alone.
  python3 - "$port" "$counters" 0 <<'PY'
import json, sys, urllib.request
port, counters = sys.argv[1], int(sys.argv[2])
body = json.dumps({"writes": [{"id": "idem-%d" % c, "counter": "likes", "action": "increment"} for c in range(counters)]})
urllib.request.urlopen(urllib.request.Request("http://127.0.0.1:%s/v1/batch" % port, data=body.encode(), method="POST",
                       headers={"Content-Type": "application/json"}), timeout=60).read()
PY
  sleep 5
  before=$(used)
  clients0=$(rc info memory | tr -d '\r' | awk -F: '$1 == "mem_clients_normal" {print $2}')
  t0=$(date +%s.%N)
  python3 - "$port" "$counters" "$n" <<'PY'
import json, sys, urllib.request
port, counters, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
step = 1000
for start in range(0, n, step):
    writes = [{"id": "idem-%d" % (i % counters), "counter": "likes", "action": "increment",
               "idempotency_key": "bench-%d-%08d" % (n, i)} for i in range(start, min(n, start + step))]
    req = urllib.request.Request("http://127.0.0.1:%s/v1/batch" % port, data=json.dumps({"writes": writes}).encode(),
                                 method="POST", headers={"Content-Type": "application/json"})
    urllib.request.urlopen(req, timeout=60).read()
PY
  want=$((n + counters))
  for _ in $(seq 1 600); do
    got=0
    for c in $(seq 0 $((counters - 1))); do
      v=$(rc hget "{count}:c:idem-$c/likes" p | tr -d '\r')
      got=$((got + ${v:-0}))
    done
    [ "$got" -ge "$want" ] && break
    sleep 0.5
  done
  t1=$(date +%s.%N)
  sleep 5 # Redis shrinks idle clients' query buffers within a few seconds
  after=$(used)
  rc --scan --pattern '{count}:ik:[0-9]*:*' > "$work/buckets-$n.txt"
  buckets=$(wc -l < "$work/buckets-$n.txt")
  sample=$(sed -n 1p "$work/buckets-$n.txt")
  enc=$(sed -n 1,200p "$work/buckets-$n.txt" | while read -r k; do rc object encoding "$k"; done | sort | uniq -c | tr '\n' ' ')
  total_usage=$(while read -r k; do rc memory usage "$k"; done < "$work/buckets-$n.txt" | awk '{s+=$1} END {print s}')
  echo "keys: $n over $counters counters; counted: $((got - counters)) in $(python3 -c "print(round($t1 - $t0, 1))") s"
  echo "used_memory: before $before B, after $after B, grew $((after - before)) B: $(( (after - before) / n )) B per key"
  echo "buckets: $buckets hashes; encodings of 200: $enc"
  clients1=$(rc info memory | tr -d '\r' | awk -F: '$1 == "mem_clients_normal" {print $2}')
  echo "of which clients' buffers (mem_clients_normal) grew $((clients1 - clients0)) B"
  echo "MEMORY USAGE of all buckets: $total_usage B: $((total_usage / n)) B per key (without the expiry table's entries)"
  echo "sample bucket $sample: HLEN $(rc hlen "$sample"), MEMORY USAGE $(rc memory usage "$sample") B, PTTL $(rc pttl "$sample") ms"
  echo "redis: $(rc info server | tr -d '\r' | grep redis_version); hash-max-listpack-entries $(rc config get hash-max-ziplist-entries | tail -1)"
  kill "$wrapper"; wait "$wrapper" 2>/dev/null || true; wrapper=
done
echo "dir $work"
