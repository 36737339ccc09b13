#!/usr/bin/env bash
# HL7 v2 results through MLLP into the store (issue 16): 1,000 benchmark patients are imported,
# then N ORU^R01 messages (two results each) are sent over C connections at once by
# bench/hl7_mllp_load.py; every ACK must be AA. SQLite by default; a postgres:// URL as $3.
#   bench/hl7-mllp.sh [MESSAGES] [CONNECTIONS] [DATABASE_URL]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-5000}
c=${2:-4}
work=data/bench-hl7
mkdir -p "$work"
db=${3:-sqlite://$work/bench.db}
bin=${WELLSPRING_BIN:-target/release/wellspring}
[ -x "$bin" ] || cargo build --release --locked -p wellspring
if [[ "$db" == sqlite://* ]]; then rm -f "${db#sqlite://}" "${db#sqlite://}"-wal "${db#sqlite://}"-shm; fi
python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
with open(f"{w}/patients.ndjson", "w") as nd, open(f"{w}/patients.tsv", "w") as tsv:
    for i in range(1000):
        mrn, fam, giv, birth = f"NOR9{i:08d}", f"Bench{i}", "Pat", f"19{50 + i % 50}-0{1 + i % 9}-1{i % 9}"
        nd.write(json.dumps({"resourceType": "Patient", "id": f"bench-{i}",
            "identifier": [{"system": "urn:wellspring:mrn:north", "value": mrn}],
            "name": [{"family": fam, "given": [giv]}], "birthDate": birth}) + "\n")
        tsv.write(f"{mrn}\t{fam}\t{giv}\t{birth.replace('-', '')}\n")
PY
$bin import --quiet --database "$db" "$work/patients.ndjson" >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
hport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
$bin serve --database "$db" --listen "127.0.0.1:$port" --hl7-listen "127.0.0.1:$hport" >"$work/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
echo "== $n ORU^R01 messages, $c connections, into $db"
python3 bench/hl7_mllp_load.py 127.0.0.1 "$hport" "$work/patients.tsv" "$n" "$c"
