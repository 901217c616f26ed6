#!/usr/bin/env bash
# Same metrics, same data, through iglu-python and through diapath: prints the largest
# differences per metric (also against R iglu's golden.json) and the speed ratio.
#
# Needs: cargo, python3 with `pip install iglu-python==0.4.3` (pulls pandas, numpy).
# Usage: tools/iglu/compare.sh [CSV...]   (default: the two iglu example data sets in
#        ../shared/fixtures/cgm next to the workspace, and tools/iglu/synthetic_cgm.csv)
# diapath is timed with the metrics_timing example until `diapath metrics --json` exists.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
fixtures="${DIAPATH_FIXTURES:-$root/../shared/fixtures}/cgm"
if [ "$#" -eq 0 ]; then
  set -- "$fixtures/iglu_example_data_5_subject.csv" "$fixtures/iglu_example_data_hall.csv" \
    "$here/synthetic_cgm.csv"
fi
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
cargo build --quiet --release -p diapath-glucose --example metrics_timing --manifest-path "$root/Cargo.toml"
python3 -c 'import iglu_python' 2>/dev/null || {
  echo "iglu-python is not installed: pip install iglu-python==0.4.3" >&2
  exit 1
}
exec python3 "$here/compare.py" --diapath "$CARGO_TARGET_DIR/release/examples/metrics_timing" "$@"
