#!/usr/bin/env bash
# Extra, independent check of the ID card PDF with poppler (not part of
# `cargo test`; lopdf is the mandatory check there).
#
#   crates/idcard/scripts/check-pdf.sh [OUT_DIR]
#
# Renders the samples (the `write_sample_when_asked` test), extracts the PDF
# text with pdftotext and checks the fields are there, and, when pdftoppm is
# present, writes OUT_DIR/idcard-sample-page-1.png to look at.
# Needs poppler-utils (Debian: apt-get install poppler-utils); exits 2 when it
# is missing rather than passing silently.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
out="${1:-$root/target}"
command -v pdftotext >/dev/null || { echo "pdftotext not found (install poppler-utils)" >&2; exit 2; }
mkdir -p "$out"
(cd "$root" && IDCARD_SAMPLE_DIR="$out" cargo test -q -p wellspring-idcard write_sample_when_asked >/dev/null)

check() { # file, expected strings...
  local pdf="$1"; shift
  local text; text="$(pdftotext -enc UTF-8 "$pdf" -)"
  local pages; pages="$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')"
  [ "$pages" = 1 ] || { echo "FAIL $pdf: $pages pages" >&2; fail=1; }
  for want in "$@"; do
    if grep -qF -- "$want" <<<"$text"; then echo "ok   $(basename "$pdf"): $want"
    else echo "FAIL $(basename "$pdf"): missing $want" >&2; fail=1; fi
  done
}
fail=0
check "$out/idcard-sample.pdf" "Wellspring Health — Cascadia" "Alex Rivera" 12345678 WS-0004417 \
  "Wellspring Gold 20 HMO" G-20817 2026-01-01 "Dr. Priya Natarajan" "Primary care" '$150' \
  1-800-555-0142 1-800-555-0177 1-800-555-0190 "Emergency? Call 911 or go to the nearest hospital." 2026-01-05
check "$out/idcard-sample-intl.pdf" "José Núñez-Nguyễn"
check "$out/idcard-sample-es.pdf" "María José Núñez-Villanueva" "Atención de especialidad" \
  "¿Emergencia? Llame al 911 o vaya al hospital más cercano." "Dr. Nguyễn Thị Minh Khai"
if command -v pdftoppm >/dev/null; then
  pdftoppm -png -r 150 "$out/idcard-sample.pdf" "$out/idcard-sample-page"
  echo "page image: $out/idcard-sample-page-1.png"
fi
[ "$fail" = 0 ] && echo "pdftotext: all fields found" || exit 1
