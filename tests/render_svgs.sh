#!/usr/bin/env bash
# Renders every SVG the given directories hold (not their subdirectories) to
# PNG with rsvg-convert, next to the SVG (NAME.svg -> NAME.png), and fails if
# one does not render: a non-zero exit or an empty PNG. Fails when the
# directories hold no SVG at all (the examples did not run). Skips, exit 0,
# when rsvg-convert is not installed (Debian: librsvg2-bin).
# Usage: render_svgs.sh DIR...
set -uo pipefail
if [ $# -eq 0 ]; then
  echo "usage: render_svgs.sh DIR..." >&2
  exit 2
fi
if ! command -v rsvg-convert >/dev/null 2>&1; then
  echo "skipped: rsvg-convert not installed"
  exit 0
fi
status=0
rendered=0
for dir in "$@"; do
  if [ ! -d "$dir" ]; then
    echo "render_svgs: no directory '$dir'" >&2
    status=1
    continue
  fi
  while IFS= read -r -d '' svg; do
    png=${svg%.svg}.png
    rm -f "$png"
    if ! err=$(rsvg-convert --format=png --output="$png" "$svg" 2>&1); then
      echo "FAILED: $svg: ${err:-rsvg-convert exited non-zero}" >&2
      status=1
    elif [ ! -s "$png" ]; then
      echo "FAILED: $svg: empty PNG" >&2
      status=1
    else
      echo "rendered $svg -> $png"
      rendered=$((rendered + 1))
    fi
  done < <(find "$dir" -maxdepth 1 -type f -name '*.svg' -print0 | sort -z)
done
if [ "$rendered" -eq 0 ] && [ "$status" -eq 0 ]; then
  echo "render_svgs: no SVG files in $*" >&2
  status=1
fi
[ "$status" -eq 0 ] && echo "render_svgs: $rendered SVG files rendered"
exit "$status"
