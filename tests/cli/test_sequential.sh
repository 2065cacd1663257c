#!/usr/bin/env bash
# The sequential-tunnelling dot through the CLI on a device where both of its
# approximations hold (Gamma beta = 0.025, charge relaxation 50 times w0,
# one well): the sampler and the averaged solver agree within 4 standard
# errors (the sampler's, fixed seed) at three biases, below and above the
# damping threshold V = 1.18; the diagnostics stay quiet there and warn at
# the paper's w0 = 0.2 with Gamma = 0.02; sweep and threshold run on it.
# Usage: test_sequential.sh ERGON_CLI
set -euo pipefail
E=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
S=(--set electronic.model=sequential --set oscillator.w0=0.002 --set lead.L.Gamma=0.05 --set lead.R.Gamma=0.05
   --set oscillator.lambda=0.03)
for V in 0.8 1.6 3; do
  "$E" steady --method averaged "${S[@]}" --V $V -o "$work/av$V" >"$work/av$V.out"
  "$E" steady --method langevin "${S[@]}" --V $V --set langevin.dt=10 --set langevin.time=2e9 \
    --set langevin.burn_in=2e6 -o "$work/lv$V" >"$work/lv$V.out"
  # Warnings go to the summary (stdout) and its diagnostics.
  if grep -i warning "$work/av$V.out" "$work/lv$V.out"; then
    echo "sequential: a diagnostic warned where both approximations hold" >&2
    exit 1
  fi
  /usr/bin/python3 - "$work/av$V/summary.json" "$work/lv$V/summary.json" <<'PY'
import json, sys
a, l = (json.load(open(p)) for p in sys.argv[1:])
assert a["provenance"]["config"]["electronic"]["model"] == "sequential", a["provenance"]["config"]
for k in ("energy", "current", "g2", "ergotropy", "free_energy_work"):
    z = (l[k] - a[k]) / l[k + "_stderr"]
    print(f"sequential: V = {a['bias']}: {k} averaged {a[k]:.6g}, langevin {l[k]:.6g} +- {l[k + '_stderr']:.2g} ({z:+.2f} sigma)")
    assert abs(z) < 4, k
PY
done
# The paper's w0 with Gamma = 0.02: the charge relaxes slower than the oscillator turns.
"$E" steady --method averaged --set electronic.model=sequential --set lead.L.Gamma=0.02 --set lead.R.Gamma=0.02 \
  --V 6 -o "$work/slow" >"$work/slow.out"
grep -q "warning: quasi_adiabatic_relaxation" "$work/slow.out" || { cat "$work/slow.out" >&2; echo "sequential: no relaxation warning" >&2; exit 1; }
# The paper's Gamma = 2: not sequential tunnelling, both leads named.
"$E" coefficients --set electronic.model=sequential --x-range 0 -o "$work/c.csv" 2>"$work/c.err"
grep -q "sequential_tunnelling_L" "$work/c.err" && grep -q "sequential_tunnelling_R" "$work/c.err" \
  || { cat "$work/c.err" >&2; echo "sequential: no Gamma beta warning" >&2; exit 1; }
# Threshold and sweep run on the dot; the sweep's averaged points equal steady's.
"$E" threshold "${S[@]}" --json 2>/dev/null >"$work/th.json"
"$E" sweep --method averaged "${S[@]}" --V 0.8,3 -o "$work/sw" 2>/dev/null >/dev/null
/usr/bin/python3 - "$work" <<'PY'
import csv, json, sys
w = sys.argv[1]
th = json.load(open(f"{w}/th.json"))
assert 1.1 < th["damping_threshold"] < 1.3, th["damping_threshold"]
rows = [r for r in csv.DictReader(l for l in open(f"{w}/sw/sweep.csv") if not l.startswith("#"))]
for r in rows:
    V = float(r["V"]); s = json.load(open(f"{w}/av{'0.8' if V < 1 else '3'}/summary.json"))
    assert abs(float(r["energy"]) / s["energy"] - 1) < 1e-12, (r["energy"], s["energy"])
print("sequential: threshold", th["damping_threshold"], "sweep ok")
PY
echo "sequential: ok"
