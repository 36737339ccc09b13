#!/usr/bin/env bash
# Rebuild the fuzz seed corpora from the project's own data (run from the repository root or
# fuzz/; needs a built `wellspring` binary: cargo build).
set -euo pipefail
cd "$(dirname "$0")"
bin=../target/debug/wellspring
[ -x "$bin" ] || bin=../target/release/wellspring
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p corpus/{fhir_json,search_params,bundle,x12,forms}

# FHIR resources of every type the synthetic region emits (a small region, one file each).
"$bin" seed --members 4 --seed 7 --ndjson "$tmp/region.ndjson" >/dev/null
python3 - "$tmp/region.ndjson" <<'PY'
import json, sys, hashlib
seen = {}
for line in open(sys.argv[1]):
    v = json.loads(line)
    t = v["resourceType"]
    if seen.get(t, 0) >= 2:
        continue
    seen[t] = seen.get(t, 0) + 1
    data = json.dumps(v, separators=(",", ":")).encode()
    open(f"corpus/fhir_json/{t}-{seen[t]}", "wb").write(data)
    # The same resource as a transaction Bundle entry (and as a batch GET of it).
    b = {"resourceType": "Bundle", "type": "transaction",
         "entry": [{"fullUrl": "urn:uuid:6f0c1c8e-3b0a-4a53-9f57-0d0c6d6b1c11", "resource": v,
                    "request": {"method": "PUT", "url": f"{t}/{v['id']}"}}]}
    open(f"corpus/bundle/{t}-{seen[t]}", "wb").write(b"\x01" + json.dumps(b).encode())
    g = {"resourceType": "Bundle", "type": "batch",
         "entry": [{"request": {"method": "GET", "url": f"{t}/{v['id']}"}},
                   {"request": {"method": "DELETE", "url": f"{t}?_id={v['id']}"}}]}
    open(f"corpus/bundle/{t}-get-{seen[t]}", "wb").write(b"\x00" + json.dumps(g).encode())
PY

# Search queries the test suite uses (first byte picks the resource type).
python3 - <<'PY'
queries = [
    "family=Quiroga&birthdate=ge1980-01-01&_sort=-birthdate&_count=5",
    "code=http://loinc.org|2345-7&subject=Patient/p1&_include=Observation:subject",
    "_has:Condition:patient:code=F32.9&_id=a,b",
    "status=active&_revinclude=Provenance:target&_summary=count",
    "name:contains=ann&_elements=name,birthDate&_total=accurate",
    "date=sa2020-01&date=lt2021-05-17T10:00Z&_lastUpdated=gt2024",
]
for i, q in enumerate(queries):
    open(f"corpus/search_params/q{i}", "wb").write(bytes([i % 6]) + q.encode())
PY

# A generated 834 and a 270.
"$bin" coverage sample834 --members 3 --group NOR00010 --out "$tmp/s.834" >/dev/null
cp "$tmp/s.834" corpus/x12/sample834
printf '%s' 'ISA*00*          *00*          *ZZ*CLINIC         *ZZ*WELLSPRING     *260101*1200*^*00501*000000001*0*T*:~GS*HS*CLINIC*WELLSPRING*20260101*1200*1*X*005010X279A1~ST*270*0001*005010X279A1~BHT*0022*13*10001234*20260101*1200~HL*1**20*1~NM1*PR*2*WELLSPRING*****PI*WS~HL*2*1*21*1~NM1*1P*2*CLINIC*****XX*1234567893~HL*3*2*22*0~TRN*1*93175-012547*9877281234~NM1*IL*1*DOE*JANE****MI*MRN-1~DMG*D8*19800101~DTP*291*D8*20260101~EQ*30~SE*13*0001~GE*1*1~IEA*1*000000001~' > corpus/x12/sample270

# Form bodies as the portal posts them.
printf '%s' 'csrf=abc&email=ana%40example.org&password=x&next=%2Fcoverage' > corpus/forms/sign-in
printf '%s' 'next=%2F%09%2Fevil.example%2F&csrf=1' > corpus/forms/tab-redirect
printf '%s' 'redirect_uri=http%3A%2F%2Flocalhost.evil.example%2Fcb&mobile=%28206%29+555-0142' > corpus/forms/app
printf '%s' 'x-forwarded-for=203.0.113.1%2C+10.0.0.2&trusted=10.0.0.0%2F8%2Cfd00%3A%3A%2F8' > corpus/forms/xff
echo "corpora: $(find corpus -type f | wc -l) files"
