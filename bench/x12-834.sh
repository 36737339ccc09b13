#!/usr/bin/env bash
# X12 834 import benchmark (issue 5): a region of 1,000 members supplies the employer group and
# plans; a synthetic 834 of N members (default 100,000) is imported twice (the second import
# must change nothing). SQLite by default; pass a postgres:// URL as $2 for PostgreSQL.
#   bench/x12-834.sh [MEMBERS] [DATABASE_URL]
set -euo pipefail
cd "$(dirname "$0")/.."
members=${1:-100000}
work=data/bench-834
mkdir -p "$work"
db=${2:-sqlite://$work/bench.db}
bin=target/release/wellspring
[ -x "$bin" ] || cargo build --release --locked -p wellspring
if [[ "$db" == sqlite://* ]]; then rm -f "${db#sqlite://}" "${db#sqlite://}"-wal "${db#sqlite://}"-shm; fi
echo "== seed 1,000 members (groups NOR00010.., plans) into $db"
$bin seed --database "$db" --members 1000 --seed 1 >/dev/null
echo "== write a $members-member 834"
$bin coverage sample834 --members "$members" --group NOR00010 --out "$work/sample.834"
echo "== import (all additions)"
/usr/bin/time -f "wall %e s, max RSS %M KB" $bin import --database "$db" --report "$work/report-1.txt" "$work/sample.834"
echo "== import the same file again (nothing may change)"
/usr/bin/time -f "wall %e s, max RSS %M KB" $bin import --database "$db" --report "$work/report-2.txt" "$work/sample.834"
