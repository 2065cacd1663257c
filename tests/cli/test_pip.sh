#!/usr/bin/env bash
# pip install . works offline in a fresh virtual environment that sees
# Debian's packages (python3 -m venv --system-site-packages), and
# python3 -m build --wheel --no-isolation makes a wheel that installs too.
# From a directory outside the source tree: import ergon, its version and
# commit, a steady state equal to the CLI's, and the examples.
# Usage: test_pip.sh SOURCE_DIR ERGON_CLI
set -euo pipefail
src=$1
E=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A copy of the source tree (no build directories), as a fresh clone has it.
mkdir "$work/src"
if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git -C "$src" ls-files -z --cached --others --exclude-standard | (cd "$src" && xargs -0 cp --parents -t "$work/src")
  cp -r "$src/.git" "$work/src/.git"  # the commit recorded in the build
else
  (cd "$src" && tar --exclude='./build*' --exclude='./results*' -cf - .) | tar -xf - -C "$work/src"
fi
/usr/bin/python3 -m venv --system-site-packages "$work/venv"
py="$work/venv/bin/python"
# --no-index: the test fails if anything would be downloaded.
(cd "$work/src" && "$work/venv/bin/pip" install --no-index . >"$work/pip.log" 2>&1) ||
  { tail -40 "$work/pip.log" >&2; echo "pip_install: pip install . failed" >&2; exit 1; }
mkdir "$work/elsewhere"
cd "$work/elsewhere"
where=$("$py" -c "import ergon; print(ergon.__file__)")
case "$where" in
  "$work/venv/"*) ;;
  *) echo "pip_install: ergon imported from $where, not from the venv" >&2; exit 1 ;;
esac
version=$("$E" --version | awk '{print $1}')
got=$("$py" -c "import ergon; print(ergon.__version__)")
[ "$got" = "$version" ] || { echo "pip_install: ergon.__version__ = $got, CLI $version" >&2; exit 1; }
commit=$("$py" -c "import ergon; print(ergon.git_commit)")
expected_commit=$(git -C "$src" rev-parse HEAD 2>/dev/null || echo unknown)
case "$commit" in
  "$expected_commit"*) ;;
  *) echo "pip_install: ergon.git_commit = $commit, the source is at $expected_commit" >&2; exit 1 ;;
esac
"$E" steady --method averaged --V 6 --json >"$work/cli.json"
"$py" - "$work/cli.json" <<'PY'
import json, sys
import ergon
cli = json.load(open(sys.argv[1]))
s = ergon.steady(ergon.Config(V=6), method="averaged")["summary"]
for key in ("energy", "ergotropy", "free_energy_work"):
    assert abs(s[key] - cli[key]) <= 1e-12 * abs(cli[key]), (key, s[key], cli[key])
PY
MPLBACKEND=Agg "$py" "$work/src/examples/coefficients_plot.py" "$work/elsewhere/c.png" >/dev/null
MPLBACKEND=Agg "$py" "$work/src/examples/sweep.py" 5 "$work/elsewhere/s.png" >/dev/null
[ -s "$work/elsewhere/c.png" ] && [ -s "$work/elsewhere/s.png" ] || { echo "pip_install: an example wrote nothing" >&2; exit 1; }
# The wheel: built without isolation from the same tree, installed into a second venv.
(cd "$work/src" && /usr/bin/python3 -m build --wheel --no-isolation --outdir "$work/dist" >"$work/build.log" 2>&1) ||
  { tail -40 "$work/build.log" >&2; echo "pip_install: python3 -m build --wheel failed" >&2; exit 1; }
/usr/bin/python3 -m venv --system-site-packages "$work/venv2"
"$work/venv2/bin/pip" install --no-index "$work"/dist/ergon-*.whl >"$work/wheel.log" 2>&1 ||
  { tail -20 "$work/wheel.log" >&2; exit 1; }
"$work/venv2/bin/python" -c "import ergon; assert ergon.__version__ == '$version'; print('wheel', ergon.__file__)"
echo "pip_install: ok"
