#!/usr/bin/env bash
# The installed CMake package works for a consumer: install this build into a
# temporary prefix, configure and build tests/consumer with find_package(ergon),
# run it, and compare its nbar with the CLI's at the same configuration.
# Usage: test_consumer.sh BUILD_DIR ERGON_CLI
set -euo pipefail
build=$1
E=$2
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >"$work/install.log"
# Nothing may land outside the prefix (the Python module included).
if grep -E '^-- (Installing|Up-to-date): ' "$work/install.log" | grep -v -- "$work/prefix/" >&2; then
  echo "consumer: cmake --install wrote outside the prefix" >&2
  exit 1
fi
cmake -S "$here/consumer" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release \
  >"$work/configure.log" || { cat "$work/configure.log" >&2; exit 1; }
cmake --build "$work/build" >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
out=$("$work/build/consumer")
echo "consumer: $out"
"$E" steady --method averaged --V 6 -o "$work/cli" >/dev/null
expected=$(/usr/bin/python3 -c "import json,sys; print('%.17g' % json.load(open(sys.argv[1]))['nbar'])" "$work/cli/summary.json")
version=$("$E" --version | awk '{print $1}')
if [ "$out" != "ergon $version nbar $expected" ]; then
  echo "consumer: expected 'ergon $version nbar $expected', got '$out'" >&2
  exit 1
fi
echo "consumer: ok"
