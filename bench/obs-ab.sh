#!/usr/bin/env bash
# One binary, two settings, A B A B, on one SQLite file loaded once with the 10 Synthea-style
# bundles of bench/side-by-side: the p50 of a patient's newest laboratory results
# (`Observation?subject&category=laboratory&_sort=-date&_count=20`, the side-by-side search) and
# of a sparse one (`category=imaging`: no match, the walk's worst case), for the patient with the
# most Observations (issue 17). From the repository root, after `cargo build --release`:
#
#     bench/obs-ab.sh WELLSPRING_SEARCH_WALK=off "" [ROUNDS]
#
# Needs the bundles (bench/side-by-side fetches them into data/side-by-side/bundles), wrk, curl
# and sqlite3. Pause other work on the machine while it runs.
set -euo pipefail
cd "$(dirname "$0")/.."
WS=${WS:-target/release/wellspring}
BUNDLES=${BUNDLES:-data/side-by-side/bundles/fhir}
A=$1
B=$2
ROUNDS=${3:-2}
command -v wrk >/dev/null || { echo "needs wrk: apt-get install wrk" >&2; exit 2; }
ls "$BUNDLES"/*.json >/dev/null || { echo "no bundles in $BUNDLES: run bench/side-by-side once" >&2; exit 2; }

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
url="sqlite://$dir/obs.db"
cid=$($WS apps register --name ab --integration --database "$url" | awk '/^client_id:/{print $2}')
tok=$($WS apps token --client-id "$cid" --database "$url" | tail -n1)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

serve() {
    env $1 "$WS" serve --listen "127.0.0.1:$port" --database "$url" >>"$dir/server.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
}

serve ""
for f in "$BUNDLES"/*.json; do
    curl -fs -o /dev/null -X POST -H "Authorization: Bearer $tok" \
        -H 'Content-Type: application/fhir+json' --data-binary @"$f" "http://127.0.0.1:$port/fhir/"
done
kill "$pid"; wait "$pid" 2>/dev/null || true
patient=$(sqlite3 "$dir/obs.db" "SELECT compartment FROM resources WHERE res_type = 'Observation' GROUP BY 1 ORDER BY COUNT(*) DESC LIMIT 1")
n=$(sqlite3 "$dir/obs.db" "SELECT COUNT(*) FROM resources WHERE res_type = 'Observation' AND compartment = '$patient'")
echo "patient with the most Observations: $n"

p50() {
    wrk -t1 -c1 -d5s --latency -H "Authorization: Bearer $tok" "http://127.0.0.1:$port/fhir/$1" |
        awk '$1=="50%"{print $2}'
}

for r in $(seq 1 "$ROUNDS"); do
    echo "round $r"
    for setting in "$A" "$B"; do
        serve "$setting"
        lab=$(p50 "Observation?subject=Patient/$patient&category=laboratory&_sort=-date&_count=20")
        none=$(p50 "Observation?subject=Patient/$patient&category=imaging&_sort=-date&_count=20")
        kill "$pid"; wait "$pid" 2>/dev/null || true
        printf '%-32s laboratory, newest 20 p50 %8s   imaging (none) p50 %8s\n' \
            "${setting:-(default)}" "$lab" "$none"
    done
done
