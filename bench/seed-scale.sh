#!/usr/bin/env bash
# Synthetic region load at scale (issue 3): `wellspring seed --members N` into a fresh SQLite
# file, with the load's progress lines and, every 30 s, the database size and the free disk.
# The run stops early (SIGTERM; every batch already committed stays) when it has used
# MAX_MINUTES or when the disk holding the database has less than MIN_FREE_GB left, so a region
# larger than this machine's disk can still be measured as far as it fits.
#   bench/seed-scale.sh [MEMBERS] [MAX_MINUTES] [MIN_FREE_GB]
# Output: data/seed-scale/log.txt (progress, sizes) and the command's own summary.
set -euo pipefail
cd "$(dirname "$0")/.."
members=${1:-1000000}
max_minutes=${2:-600}
min_free_gb=${3:-8}
work=data/seed-scale
mkdir -p "$work"
db=$work/region.db
log=$work/log.txt
bin=target/release/wellspring
[ -x "$bin" ] || cargo build --release --locked -p wellspring
rm -f "$db" "$db-wal" "$db-shm"
: > "$log"
echo "== seed $members members into $db (stop after $max_minutes min or below $min_free_gb GB free)" | tee -a "$log"
start=$(date +%s)
/usr/bin/time -f "wall %e s, user %U s, sys %S s, max RSS %M KB" \
  $bin seed --database "sqlite://$db" --members "$members" --seed 7 >>"$log" 2>&1 &
pid=$!
stopped=""
while kill -0 "$pid" 2>/dev/null; do
  sleep 30
  now=$(date +%s)
  size=$(du -cb "$db" "$db-wal" 2>/dev/null | tail -1 | cut -f1)
  free_kb=$(df -Pk "$work" | awk 'NR==2 {print $4}')
  awk -v t=$((now - start)) -v s="$size" -v f="$free_kb" \
    'BEGIN { printf "  [%6ds] database %.2f GB, disk free %.1f GB\n", t, s / 1e9, f / 1e6 }' >>"$log"
  if (( free_kb < min_free_gb * 1000000 )) || (( now - start > max_minutes * 60 )); then
    stopped="stopped after $((now - start)) s (time or disk limit)"
    pkill -TERM -f "^$bin seed --database sqlite://$db" || true  # the seed, not /usr/bin/time
    break
  fi
done
wait "$pid" || true
[ -n "$stopped" ] && echo "== $stopped" | tee -a "$log"
tail -n 40 "$log"
