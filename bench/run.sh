#!/usr/bin/env bash
# The 1M-resource benchmark on SQLite, then on PostgreSQL, with Markdown and JSON reports in
# data/bench/results/. Run from the repository root:  bench/run.sh [RESOURCES]
# See docs/BENCHMARKS.md for what is measured and how to read it.
set -euo pipefail

N=${1:-1000000}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/wsbench}
OUT=data/bench/results
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"

cargo build --release
BIN=target/release/wellspring

"$BIN" bench --database sqlite://data/bench/bench.db --resources "$N" --reset \
    --json "$OUT/sqlite-$STAMP.json" | tee "$OUT/sqlite-$STAMP.md"

createdb -h 127.0.0.1 -U postgres wsbench 2>/dev/null || true
# With autovacuum off nothing analyses the tables while a million rows arrive, and the
# importer's version lookups degrade to scans (docs/BENCHMARKS.md): stand in for autovacuum.
LOOP=
if [ "$(psql "$PG_URL" -tAc 'show autovacuum')" = off ]; then
    (while sleep 60; do psql "$PG_URL" -qc ANALYZE >/dev/null 2>&1 || true; done) &
    LOOP=$!
    trap 'kill "$LOOP" 2>/dev/null || true' EXIT
fi
"$BIN" bench --database "$PG_URL" --resources "$N" --reset \
    --json "$OUT/postgres-$STAMP.json" | tee "$OUT/postgres-$STAMP.md"
