#!/usr/bin/env bash
# One binary, two settings, A B A B: POST Patient under wrk and the p50 of two Patient searches,
# each side on a fresh SQLite file with a back-end integration token (issue 17). A setting is an
# environment assignment ("" for the default). From the repository root, after
# `cargo build --release`:
#
#     bench/ab.sh WELLSPRING_SQLITE_GROUP_COMMIT=off "" [ROUNDS]
#     bench/ab.sh WELLSPRING_SQLITE_SEARCH=pool "" [ROUNDS]
#
# Prints one line per side and round. Needs wrk and curl. Pause other work on the machine while
# it runs (it is noisy): `kill -STOP` a build, `kill -CONT` after.
set -euo pipefail
cd "$(dirname "$0")/.."
WS=${WS:-target/release/wellspring}
A=$1
B=$2
ROUNDS=${3:-2}
command -v wrk >/dev/null || { echo "needs wrk: apt-get install wrk" >&2; exit 2; }

side() {
    local setting=$1 dir url cid tok port pid post s1 s2
    dir=$(mktemp -d)
    url="sqlite://$dir/ab.db"
    cid=$($WS apps register --name ab --integration --database "$url" | awk '/^client_id:/{print $2}')
    tok=$($WS apps token --client-id "$cid" --database "$url" | tail -n1)
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    env $setting "$WS" serve --listen "127.0.0.1:$port" --database "$url" >"$dir/server.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
    post=$(wrk -t2 -c16 -d10s -s bench/post.lua -H "Authorization: Bearer $tok" \
        "http://127.0.0.1:$port/fhir/Patient" | awk '/Requests\/sec/{print $2}')
    # A page of matches, and a search that finds nothing (the fixed cost of a search).
    s1=$(wrk -t1 -c1 -d5s --latency -H "Authorization: Bearer $tok" \
        "http://127.0.0.1:$port/fhir/Patient?family=Wrk&_count=10" | awk '$1=="50%"{print $2}')
    s2=$(wrk -t1 -c1 -d5s --latency -H "Authorization: Bearer $tok" \
        "http://127.0.0.1:$port/fhir/Patient?family=Nobody" | awk '$1=="50%"{print $2}')
    kill "$pid"; wait "$pid" 2>/dev/null || true
    rm -rf "$dir"
    printf '%-40s POST %8s/s   Patient?family=Wrk&_count=10 p50 %8s   Patient?family=Nobody p50 %8s\n' \
        "${setting:-(default)}" "$post" "$s1" "$s2"
}

for r in $(seq 1 "$ROUNDS"); do
    echo "round $r"
    side "$A"
    side "$B"
done
