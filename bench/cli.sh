#!/usr/bin/env bash
# countctl start-up as a user meets it (issue #16): wall time of --version, --help, get and inc
# against a running `countctl dev`, `get -n apps` against a local API server (fabric8 mock), and a
# second `countctl dev` start (data kept, after kill -9)
# to ready. Each figure: BENCH_RUNS runs (default 9), median and spread (min … max).
# Reference in the same run: `java -version` with the same JDK and flags (the JVM's own floor).
# Usage: bench/cli.sh   (prints a Markdown table; bench/RESULTS.md keeps the latest)
#        BENCH_ONLY=short|get_n|dev_restart bench/cli.sh   (one group of rows: the short commands,
#        `get -n` against the API server, or the `countctl dev` restarts)
# Each restart also logs the JVM's CPU time (user+sys) at ready and countctl dev's phase lines, as
# wall time alone says little on a shared machine.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
runs=${BENCH_RUNS:-9}
only=${BENCH_ONLY:-}
want() { [ -z "$only" ] || [ "$only" = "$1" ]; }
work=$(mktemp -d /tmp/count-cli.XXXXXX)
dev_pid=""
api_pid=""
cleanup() {
  [ -n "$dev_pid" ] && kill -9 "$dev_pid" 2>/dev/null
  [ -n "$api_pid" ] && kill "$api_pid" 2>/dev/null
  wait 2>/dev/null || true
}
trap cleanup EXIT
log() { printf '\033[1m[cli]\033[0m %s\n' "$*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
# Runs "$@" $runs times; prints "median min max" in seconds.
timed() {
  local ts=() t0
  for _ in $(seq 1 "$runs"); do
    t0=$(now); "$@" >/dev/null 2>&1 || true; ts+=("$(since "$t0")")
  done
  printf '%s\n' "${ts[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.3f %.3f %.3f\n", a[int((NR+1)/2)], a[1], a[NR]}'
}
row() { # label goal median min max
  printf '| %s | %.2f s (%.2f … %.2f) | %s |\n' "$1" "$3" "$4" "$5" "$2"
}
wait_ready() { for _ in $(seq 1 1200); do curl -fs "$1/readyz" >/dev/null 2>&1 && return 0; sleep 0.05; done; return 1; }

bin/countctl --version >/dev/null # builds the jar and its start-up cache before any clock starts
[ -d testkit/target/classes/io ] || ./mvnw -q -B -pl testkit -am -DskipTests compile # the API server below
java_home=$(bin/find-jdk)
port=$(free_port)
url="http://127.0.0.1:$port"
log "starting countctl dev on :$port"
bin/countctl dev --port "$port" --data-dir "$work/data" >"$work/dev.log" 2>&1 &
dev_pid=$!
wait_ready "$url"
bin/countctl inc likes post-1 --url "$url" >/dev/null

log "measuring ($runs runs each)"
echo "| command (\`countctl dev\` running, warm disk cache) | median (min … max) | goal |"
echo "|---|---|---|"
if want short; then
row "reference: \`java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -version\`" "—" \
  $(timed "$java_home/bin/java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -version)
row "\`countctl --version\`" "≤ 0.15 s" $(timed bin/countctl --version)
row "\`countctl --help\`" "≤ 0.15 s" $(timed bin/countctl --help)
row "\`countctl get likes post-1\`" "≤ 0.3 s" $(timed bin/countctl get likes post-1 --url "$url")
row "\`countctl inc likes post-1\`" "≤ 0.3 s" $(timed bin/countctl inc likes post-1 --url "$url")
fi

# A local API server: fabric8's CRUD mock as a process (testkit's StandaloneApiServer), with the
# CRD and the sample counter installed in namespace apps. It serves until its stdin closes.
if want get_n; then
log "starting a local Kubernetes API server (fabric8 mock)"
mkfifo "$work/api.in"
( cd cli && exec "$java_home/bin/java" -cp target/countctl.jar:../testkit/target/classes \
    io.countctl.testkit.k8s.StandaloneApiServer "$work/kubeconfig" \
    ../crds/distributedcounters.counters.countctl.io-v1.yml ../crds/samples/distributedcounter.yaml \
    <"$work/api.in" >"$work/api.log" 2>&1 ) &
api_pid=$!
exec 8>"$work/api.in" # held open: the server stops when this script ends
for _ in $(seq 1 300); do grep -q '^ready' "$work/api.log" 2>/dev/null && break; sleep 0.1; done
grep -q '^ready' "$work/api.log" || { log "the API server did not start; see $work/api.log"; exit 1; }
bin/countctl get -n apps --kubeconfig "$work/kubeconfig" >/dev/null # answers: the counter is there
row "\`countctl get -n apps\` against a local API server" "≤ 0.5 s" \
  $(timed bin/countctl get -n apps --kubeconfig "$work/kubeconfig")
exec 8>&-
fi

# Second start: kill -9 (what a crash or a closed laptop lid leaves), start again on the same
# data, time to /readyz. Fewer runs: each is a whole platform start.
if want dev_restart; then
starts=()
for i in 1 2 3; do
  kill -9 "$dev_pid"; wait "$dev_pid" 2>/dev/null || true
  t0=$(now)
  bin/countctl dev --port "$port" --data-dir "$work/data" >"$work/dev-$i.log" 2>&1 &
  dev_pid=$! # bin/countctl execs the JVM: this is its pid
  wait_ready "$url" || { log "dev did not become ready; see $work/dev-$i.log"; exit 1; }
  starts+=("$(since "$t0")")
  cpu=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / hz}' "/proc/$dev_pid/stat")
  log "restart $i: ready after ${starts[-1]} s, CPU ${cpu} s (user+sys); phases: $(grep 'ready in' "$work/dev-$i.log" | sed 's/^ *//' | paste -sd ';' -)"
done
row "\`countctl dev\` second start (data kept, after kill -9) to ready" "≤ 10 s" \
  $(printf '%s\n' "${starts[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.3f %.3f %.3f\n", a[2], a[1], a[NR]}')
fi
log "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) at the end; JDK $java_home"
