#!/usr/bin/env bash
# Command-line behaviour: exit statuses, one-line errors, no partial output,
# and the coefficient table of the issue's acceptance example.
set -u
ergon="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
pass=0

check() {  # check NAME EXPECTED_STATUS EXPECTED_STDERR_SUBSTRING -- command...
  local name="$1" want="$2" msg="$3"
  shift 4
  "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  local lines
  lines=$(wc -l <"$tmp/err")
  if [ "$rc" -ne "$want" ]; then
    echo "FAIL $name: status $rc, expected $want; stderr: $(cat "$tmp/err")"; fails=$((fails + 1)); return
  fi
  if [ -n "$msg" ] && ! grep -qF -- "$msg" "$tmp/err"; then
    echo "FAIL $name: stderr lacks '$msg': $(cat "$tmp/err")"; fails=$((fails + 1)); return
  fi
  if [ "$want" -ne 0 ] && [ "$lines" -ne 1 ]; then
    echo "FAIL $name: expected one line on stderr, got $lines"; fails=$((fails + 1)); return
  fi
  pass=$((pass + 1))
}

# Bad input: status 2, one line naming key, value and what is allowed; no output file.
check unknown-key 2 "unknown key 'lead.L.widht'; did you mean 'lead.L.width'?" -- \
  "$ergon" coefficients --set lead.L.widht=2 -o "$tmp/a.csv"
[ -e "$tmp/a.csv" ] && { echo "FAIL unknown-key wrote a file"; fails=$((fails + 1)); }
check negative-width 2 "lead.R.width = -1 is not allowed: must be > 0" -- "$ergon" coefficients --set lead.R.width=-1
check zero-beta 2 "lead.L.beta = 0 is not allowed: must be > 0" -- "$ergon" coefficients --set lead.L.beta=0
check beta-shortcut 2 "--beta '-0.5x' is not a finite number" -- "$ergon" coefficients --beta=-0.5x
check negative-beta 2 "lead.L.beta = -1 is not allowed: must be > 0" -- "$ergon" coefficients --beta=-1
check zero-mass 2 "oscillator.mass = 0 is not allowed: must be > 0" -- "$ergon" coefficients --set oscillator.mass=0
check zero-w0 2 "oscillator.w0 = -0.2 is not allowed: must be > 0" -- "$ergon" coefficients --set oscillator.w0=-0.2
check inf 2 "must be a finite number" -- "$ergon" coefficients --set dot.eps=inf
check nan-bias 2 "--V 'nan' is not a finite number" -- "$ergon" coefficients --V nan
check both-couplings 2 "oscillator.lambda and oscillator.force are both set" -- \
  "$ergon" coefficients --set oscillator.lambda=0.1 --set oscillator.force=0.2
check bad-range 2 "--x-range '0:5' is not a range" -- "$ergon" coefficients --x-range 0:5
check bad-assignment 2 "is not of the form key=value" -- "$ergon" coefficients --set lead.L.mu
check bias-twice 2 "--V and --set lead.L.mu=3 both set lead.L.mu" -- "$ergon" coefficients --V 2 --set lead.L.mu=3
# One conflict rule for every layer (issue 20, item 16): whitespace, sweep axes, run options, repeats.
check bias-twice-space 2 "--V and --set  lead.L.mu=3 both set lead.L.mu" -- "$ergon" coefficients --V 2 --set " lead.L.mu=3"
check sweep-axis-and-set 2 "--set lead.L.mu=5 and the sweep over V both set lead.L.mu" -- \
  "$ergon" sweep --V 1,2 --set lead.L.mu=5 --method averaged
check sweep-V-and-mu 2 "both set lead.L.mu" -- "$ergon" sweep --V 1,2 --sweep lead.L.mu=1,2 --method averaged
check sweep-twice 2 "the sweep over oscillator.w0 and the sweep over oscillator.w0 both set oscillator.w0" -- \
  "$ergon" sweep --sweep oscillator.w0=0.1,0.2 --sweep oscillator.w0=0.3 --method averaged
check dt-twice 2 "--set langevin.dt=0.1 and --dt langevin.dt=0.2 both set langevin.dt" -- \
  "$ergon" steady --set langevin.dt=0.1 --dt 0.2
check set-twice 2 "both set dot.eps" -- "$ergon" config --set dot.eps=1 --set dot.eps=2
check bad-isa 2 "ERGON_ISA = 'avx1024' is not an instruction set" -- env ERGON_ISA=avx1024 "$ergon" config
check config-directory 4 "it is a directory" -- "$ergon" config --config "$tmp"
check unknown-model 2 "electronic.model = \"nonsense\" is not a model: use one of \"resonant_level\"" -- \
  "$ergon" config --set electronic.model=nonsense
check missing-config 4 "cannot read 'nonexistent.toml'" -- "$ergon" coefficients --config nonexistent.toml
printf '[oscillator]\nw0 = 0.2\nmas = 1.0\n' >"$tmp/bad.toml"
check config-typo 2 "bad.toml:3: unknown key 'oscillator.mas'; did you mean 'oscillator.mass'?" -- \
  "$ergon" coefficients --config "$tmp/bad.toml"
printf '[oscillator\n' >"$tmp/broken.toml"
check config-syntax 2 "broken.toml:1:" -- "$ergon" coefficients --config "$tmp/broken.toml"
check unknown-option 2 "" -- "$ergon" coefficients --frobnicate
check no-command 2 "" -- "$ergon"

# The effective configuration reads back unchanged.
"$ergon" config --V 3 --set oscillator.force=0.07 >"$tmp/c.toml" || { echo "FAIL config"; fails=$((fails + 1)); }
"$ergon" config --config "$tmp/c.toml" >"$tmp/c2.toml" || { echo "FAIL config reload"; fails=$((fails + 1)); }
cmp -s "$tmp/c.toml" "$tmp/c2.toml" && pass=$((pass + 1)) || { echo "FAIL config round trip"; fails=$((fails + 1)); }

# The acceptance example: three rows at x/x0 = 0, 2.5, 5.
"$ergon" coefficients --V 16 --x-range 0:5:3 >"$tmp/coef.csv"
rows=$(grep -v "^#" "$tmp/coef.csv" | tail -n +2 | wc -l)
head=$(grep -v "^#" "$tmp/coef.csv" | head -1)
if [ "$rows" -eq 3 ] && [ "$head" = "x_over_x0,x,n,D,gamma,fdt_ratio,current" ] &&
  [ "$(grep -v "^#" "$tmp/coef.csv" | cut -d, -f1 | tail -n +2 | tr '\n' ' ')" = "0 2.5 5 " ]; then
  pass=$((pass + 1))
else
  echo "FAIL coefficients example: $(cat "$tmp/coef.csv")"; fails=$((fails + 1))
fi
# Atomic file output with provenance.
"$ergon" coefficients --V 16 --x-range 0:5:3 -o "$tmp/coef2.csv" && cmp -s "$tmp/coef.csv" "$tmp/coef2.csv" &&
  grep -q '"git_commit"' "$tmp/coef2.csv.json" && pass=$((pass + 1)) ||
  { echo "FAIL coefficients -o"; fails=$((fails + 1)); }
ls -a "$tmp" | grep -q '\.tmp\.' && { echo "FAIL temporary file left behind"; fails=$((fails + 1)); }

# steady: JSON summary, files, bad options.
"$ergon" steady --V 0 --method averaged --json >"$tmp/s.json" && grep -q '"energy": 1.9' "$tmp/s.json" &&
  grep -q '"git_commit"' "$tmp/s.json" && pass=$((pass + 1)) || { echo "FAIL steady --json"; fails=$((fails + 1)); }
"$ergon" steady --V 6 --method averaged --set phase_space.bins=21 -o "$tmp/st" >/dev/null &&
  for f in summary.json wigner.csv radial.csv populations.csv; do [ -s "$tmp/st/$f" ] || exit 1; done &&
  [ "$(sed -n 2p "$tmp/st/wigner.csv")" = "re_alpha,im_alpha,W" ] && [ "$(head -c 8 "$tmp/st/wigner.csv")" = "# ergon " ] && [ "$(wc -l <"$tmp/st/wigner.csv")" -eq 444 ] && [ "$(tail -1 "$tmp/st/wigner.csv")" = "# complete: 441 rows" ] &&
  ! grep -qi nan "$tmp/st/"*.csv && pass=$((pass + 1)) || { echo "FAIL steady -o"; fails=$((fails + 1)); }
check bad-method 2 "--method 'exact' is not a method: use langevin, averaged or heom" -- "$ergon" steady --method exact
check bad-dt 2 "langevin.dt = -1 is not allowed: must be > 0" -- "$ergon" steady --dt -1
check bad-integrator 2 "langevin.integrator = \"rk4\" is not allowed" -- "$ergon" steady --integrator rk4
check bad-trajectories 2 "langevin.trajectories = 0 is not allowed" -- "$ergon" steady --trajectories 0

# sweep: one row per point, swept column first.
"$ergon" sweep --method averaged --V 0:2:3 >"$tmp/sw.csv" && [ "$(grep -v "^#" "$tmp/sw.csv" | tail -n +2 | wc -l)" -eq 3 ] &&
  [ "$(grep -v "^#" "$tmp/sw.csv" | head -1 | cut -d, -f1-2)" = "V,energy" ] && pass=$((pass + 1)) ||
  { echo "FAIL sweep"; fails=$((fails + 1)); }
"$ergon" sweep --method averaged --V 0,6 --beta 0.5,1 -o "$tmp/sw2" 2>/dev/null &&
  [ "$(grep -v "^#" "$tmp/sw2/sweep.csv" | tail -n +2 | wc -l)" -eq 4 ] && [ "$(grep -v "^#" "$tmp/sw2/sweep.csv" | head -1 | cut -d, -f1-3)" = "V,beta,energy" ] &&
  pass=$((pass + 1)) || { echo "FAIL sweep grid"; fails=$((fails + 1)); }
check sweep-unknown-key 2 "unknown key 'lead.L.withd'; did you mean 'lead.L.width'?" -- \
  "$ergon" sweep --sweep lead.L.withd=0.5:1:2
check sweep-string-key 2 "is a string key; only real keys can be swept" -- "$ergon" sweep --sweep lead.L.type=1:2:2
check sweep-nothing 2 "ergon sweep needs at least one of" -- "$ergon" sweep --method averaged
check sweep-bad-point 2 "lead.L.beta = 0 is not allowed: must be > 0" -- "$ergon" sweep --method averaged --beta 0,1

# analyze: malformed files get the line number.
# An ergon table with a row cut out (trailer kept) is refused.
sed '3d' "$tmp/st/populations.csv" >"$tmp/cut.csv"
check analyze-edited-table 2 "cut.csv:" -- "$ergon" analyze --populations "$tmp/cut.csv"
grep -q "the trailer promises" <("$ergon" analyze --populations "$tmp/cut.csv" 2>&1) && pass=$((pass + 1)) ||
  { echo "FAIL edited table message"; fails=$((fails + 1)); }
printf 'n,p_n\n0,0.5\n1,abc\n' >"$tmp/bad.csv"
check analyze-bad-number 2 "bad.csv:3: 'abc' in column 'p_n' is not a number" -- "$ergon" analyze --populations "$tmp/bad.csv"
printf 'n,p\n0,1\n' >"$tmp/col.csv"
check analyze-missing-column 2 "col.csv:1: missing column 'p_n'" -- "$ergon" analyze --populations "$tmp/col.csv"
printf 'y,P_y\n0,1\n2,1\n1,1\n3,1\n' >"$tmp/rad.csv"
check analyze-order 2 "rad.csv:4: y = 1 does not increase" -- "$ergon" analyze --radial "$tmp/rad.csv"
printf 'n,p_n\n0,0.5\n2,0.5\n' >"$tmp/gap.csv"
check analyze-gap 2 "gap.csv:3: n = 2 where 1 was expected" -- "$ergon" analyze --populations "$tmp/gap.csv"
check analyze-two-inputs 2 "" -- "$ergon" analyze --populations "$tmp/gap.csv" --radial "$tmp/rad.csv"
# Found by fuzz_csv (a timeout): an unnormalised density spanning y = 0..23773
# is refused at once instead of being mapped to 24,400 Fock states.
check analyze-unnormalised-radial 2 "int P_y dy = 11886.8 (trapezoid rule), not 1" -- \
  "$ergon" analyze --radial "$(dirname "$0")/../../fuzz/regressions/csv/timeout-wide-radial.csv"
check analyze-missing-file 4 "cannot read" -- "$ergon" analyze --populations "$tmp/none.csv"
"$ergon" analyze --populations "$tmp/st/populations.csv" --json >"$tmp/an.json" && grep -q '"ergotropy"' "$tmp/an.json" &&
  pass=$((pass + 1)) || { echo "FAIL analyze populations"; fails=$((fails + 1)); }

# Numerical inputs at the edge: they work (finite numbers, no NaN) or are
# refused with a message naming the key, never a crash or a runaway.
check frozen-leads 2 "set here by lead.L.beta = 1e+06" -- "$ergon" steady --method averaged --V 16 --beta 1e6
check vanishing-band 2 "lead.R.width = 1e-12 is not allowed" -- \
  "$ergon" steady --method averaged --V 16 --set lead.R.width=1e-12
check huge-coupling 2 "or a weaker oscillator.lambda" -- "$ergon" steady --method averaged --V 16 --set oscillator.lambda=1000
check huge-coupling-langevin 2 "or a weaker oscillator.lambda" -- \
  "$ergon" steady --V 16 --set oscillator.lambda=1000 --time 1e4
for edge in "--V 0" "--V 0 --beta 2" "--V 16 --set lead.L.Gamma=1e-9" "--V 16 --beta 0.05" "--V 3 --set oscillator.lambda=0.001"; do
  # shellcheck disable=SC2086
  if "$ergon" steady --method averaged $edge --json >"$tmp/edge.json" 2>"$tmp/edge.err" &&
    /usr/bin/python3 -c "
import json, math, sys
j = json.load(open(sys.argv[1]))
bad = [k for k, v in j.items() if isinstance(v, float) and not math.isfinite(v)]
assert not bad, bad
assert j['trace'] > 1 - 1e-6 and j['nbar'] > 0, (j['trace'], j['nbar'])
" "$tmp/edge.json"; then pass=$((pass + 1)); else
    echo "FAIL edge input $edge: $(cat "$tmp/edge.err")"; fails=$((fails + 1))
  fi
done

# Outputs that are not regular files (issue 20, items 1 and 20): a device or
# FIFO is written into, a symbolic link followed, nothing renamed over them.
fail() { echo "FAIL $1"; fails=$((fails + 1)); }
check devnull-config 0 "" -- "$ergon" config -o /dev/null
[ -c /dev/null ] || fail "config -o /dev/null replaced the device"
check devnull-coefficients 0 "" -- "$ergon" coefficients --x-range 0:1:3 -o /dev/null
[ -c /dev/null ] || fail "coefficients -o /dev/null replaced the device"
[ -e /dev/null.json ] && fail "coefficients -o /dev/null wrote /dev/null.json"
mkfifo "$tmp/fifo"
cat "$tmp/fifo" >"$tmp/fifo.out" &
reader=$!
check fifo 0 "" -- "$ergon" config -o "$tmp/fifo"
wait "$reader"
grep -q '^\[oscillator\]' "$tmp/fifo.out" || fail "config -o FIFO: the reader got no configuration"
[ -p "$tmp/fifo" ] || fail "config -o FIFO replaced the FIFO"
ln -s "$tmp/real.toml" "$tmp/link.toml"
check symlink-output 0 "" -- "$ergon" config -o "$tmp/link.toml"
{ [ -L "$tmp/link.toml" ] && grep -q '^\[oscillator\]' "$tmp/real.toml"; } || fail "config -o LINK did not write through the link"
check directory-output 4 "it is a directory" -- "$ergon" config -o "$tmp"
ln -s "$tmp/victim" "$tmp/locked.h5.lock"
check lock-symlink 4 "symbolic link" -- "$ergon" sweep --V 1,2 --method averaged -o "$tmp/locked.h5"
[ -e "$tmp/victim" ] && fail "a planted lock symlink created its target"
check endless-input 4 "larger than 1024 MiB" -- "$ergon" analyze --populations /dev/zero

# A full disk (the file-size limit stands in for it): one line, status 4, no
# crash and nothing left behind, for CSV and HDF5 writers (issue 20, item 2).
mkdir -p "$tmp/full"
for out in "$tmp/full/st.h5" "$tmp/full/st"; do
  check "full-disk-$(basename "$out")" 4 "File too large" -- \
    bash -c 'ulimit -f 40; trap "" XFSZ; exec "$@"' _ "$ergon" steady --method averaged --V 6 -o "$out"
done
[ -z "$(find "$tmp/full" -name '.*tmp*')" ] || fail "a full disk left temporary files: $(ls -a "$tmp/full")"
[ -e "$tmp/full/st.h5" ] && fail "a full disk left a partial HDF5 file"
[ -e "$tmp/full/st/summary.json" ] && fail "a full disk left summary.json, the completeness marker"

# Ctrl-C and SIGTERM stop every long command within seconds, status 130
# (issue 20, items 3 and 4): a cold-lead averaged solve, a long coefficient
# table, a large density matrix.
interrupt() {  # interrupt NAME SIGNAL DELAY -- command...
  local name="$1" sig="$2" delay="$3"
  shift 4
  "$@" >/dev/null 2>"$tmp/int.err" &
  local pid=$!
  sleep "$delay"
  local t0
  t0=$(date +%s%N)
  kill -"$sig" "$pid"
  wait "$pid"
  local rc=$?
  local ms=$((($(date +%s%N) - t0) / 1000000))
  if [ "$rc" -ne 130 ] || [ "$ms" -gt 5000 ]; then
    fail "interrupt $name: status $rc, ${ms} ms after SIG$sig: $(cat "$tmp/int.err")"
  else
    pass=$((pass + 1))
  fi
}
interrupt averaged-cold INT 2 -- "$ergon" steady --method averaged --V 6 --beta 100
interrupt coefficients TERM 1 -- "$ergon" coefficients --x-range 0:1:10000000
interrupt analyze-wigner INT 2 -- "$ergon" analyze --wigner "$tmp/st/wigner.csv" --n-max 3000
check cold-averaged-refused 2 "set here by lead.L.beta = 1000" -- "$ergon" steady --method averaged --V 6 --beta 1000
check tolerance-floor 2 "averaged.tolerance = 1e-320 is not allowed" -- "$ergon" config --set averaged.tolerance=1e-320
check density-too-large 2 "at most n_max = 4000" -- "$ergon" analyze --wigner "$tmp/st/wigner.csv" --n-max 20000

# One run per output, and no summary.json beside another run's files
# (issue 20, item 6).
"$ergon" steady --V 16 --method averaged --set phase_space.bins=21 -o "$tmp/mix" >/dev/null || fail "steady -o mix"
rm "$tmp/mix/populations.csv" && mkdir "$tmp/mix/populations.csv"  # the next run's write fails there
check mixed-output 4 "populations.csv" -- "$ergon" steady --V 6 --method averaged --set phase_space.bins=21 -o "$tmp/mix"
[ -e "$tmp/mix/summary.json" ] && fail "a failed write left the old summary.json beside the new wigner.csv"
"$ergon" steady --V 16 --time 2e8 -o "$tmp/busy" >/dev/null 2>&1 &
holder=$!
sleep 1
check busy-output 4 "is being written by another ergon process" -- "$ergon" steady --V 6 --method averaged -o "$tmp/busy"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
check unwritable-output 4 "cannot write" -- "$ergon" steady --V 6 --time 1e12 -o /proc/ergon-test
touch "$tmp/.summary.json.tmp.999999999.ab"
"$ergon" steady --V 6 --method averaged --set phase_space.bins=21 -o "$tmp" >/dev/null 2>&1 || true
[ -e "$tmp/.summary.json.tmp.999999999.ab" ] && fail "a dead run's temporary was not cleaned up"

# A scan that starts above the onset says so (issue 20, item 10).
"$ergon" threshold --V-range 5:10:3 >"$tmp/thr.txt" 2>&1 || fail "threshold --V-range 5:10:3 failed"
grep -q "at or below V = 5.0000, the first scanned bias" "$tmp/thr.txt" || fail "threshold above onset: $(cat "$tmp/thr.txt")"

# Wrong numbers and messages (issue 20, items 9-21).
check plus-sign 0 "" -- "$ergon" config --V +5 --set dot.eps=+0.5
check bogus-command 2 "'bogus' is not an ergon command: use one of" -- "$ergon" bogus
check newline-value 2 'dot.eps = 1\n2 is not allowed' -- "$ergon" config --set "dot.eps=1
2"
check huge-value 2 "characters) ..." -- "$ergon" config --set "dot.eps=$(head -c 100000 /dev/zero | tr '\0' 'x')"
check nan-range 2 "lead.L.mu = 1e+308 is not allowed" -- "$ergon" sweep --V 1e308:-1e308:3 --method averaged
check huge-w0 2 "oscillator.w0 = 1e+308 is not allowed" -- "$ergon" steady --method averaged --set oscillator.w0=1e308
check weak-coupling-averaged 3 "the stationary density reaches beyond" -- \
  "$ergon" steady --method averaged --V 6 --set oscillator.lambda=1e-6
check wideband-threshold 2 "no damping threshold: with wide-band leads" -- \
  "$ergon" threshold --set lead.L.type=wideband --set lead.R.type=wideband
check huge-alpha 2 "phase_space.alpha_max = 1e+308 is not allowed" -- "$ergon" config --set phase_space.alpha_max=1e308
# n(x) far out: |n| < 1/2 and odd (item 9).
"$ergon" coefficients --x-range 1000,100000,1000000,-1000,-100000,-1000000 >"$tmp/far.csv" || fail "coefficients far out"
/usr/bin/python3 - "$tmp/far.csv" <<'PY' || fail "n(x) far out is not odd or exceeds 1/2"
import sys, numpy as np
d = np.genfromtxt(sys.argv[1], delimiter=",", names=True, skip_header=1)
n = d["n"]
assert np.all(np.abs(n) < 0.5), n
assert np.allclose(n[:3], -n[3:], atol=1e-12), n
PY
# Cold leads: D(0) resolves the Fermi window (item 18: fdt_ratio = 28819).
"$ergon" coefficients --beta 1e6 --x-range 0:1:2 >"$tmp/cold.csv" || fail "coefficients --beta 1e6"
/usr/bin/python3 - "$tmp/cold.csv" <<'PY' || fail "fdt_ratio at beta = 1e6 is not 2T"
import sys, numpy as np
d = np.genfromtxt(sys.argv[1], delimiter=",", names=True, skip_header=1)
assert np.allclose(d["fdt_ratio"], 2e-6, rtol=1e-6), d["fdt_ratio"]
PY
# A reference temperature below the energy range is refused naming the key
# (item 12: W_F was inf; the library's W_F -> U as T -> 0 is tested in Python).
check tiny-temperature 2 "thermo.temperature = 1e-320 is not allowed" -- \
  "$ergon" steady --method averaged --V 6 --set thermo.temperature=1e-320
# A cut ergon table is refused (item 15).
head -n 20 "$tmp/st/radial.csv" >"$tmp/cut.csv"
check cut-table 2 "written by ergon but without its trailer" -- "$ergon" analyze --radial "$tmp/cut.csv"
# The vacuum's g2 is undefined, not 348 (item 21). Written in ergon's phase
# space (vac.csv) and in QuTiP's x, y with g = sqrt 2 (vacq.csv, W = exp(-x^2 - y^2)/pi).
/usr/bin/python3 - "$tmp/vac.csv" "$tmp/vacq.csv" <<'PY'
import sys, numpy as np
for path, half_width, W in ((sys.argv[1], 4, lambda r2: 2 / np.pi * np.exp(-2 * r2)),
                            (sys.argv[2], 5, lambda r2: np.exp(-r2) / np.pi)):
    xs = np.linspace(-half_width, half_width, 81)
    with open(path, "w") as f:
        f.write("re_alpha,im_alpha,W\n")
        for a in xs:
            for b in xs:
                f.write("%r,%r,%r\n" % (a, b, W(a * a + b * b)))
PY
"$ergon" analyze --wigner "$tmp/vac.csv" >"$tmp/vac.txt" 2>&1 || fail "analyze vacuum: $(cat "$tmp/vac.txt")"
grep -q "g2(0) undefined" "$tmp/vac.txt" || fail "vacuum g2: $(cat "$tmp/vac.txt")"
# --resume of a finished sweep recomputes nothing (item 21).
"$ergon" sweep --V 0:5:6 --method averaged -o "$tmp/fin" 2>/dev/null || fail "sweep fin"
check finished-resume 0 "already holds this sweep, complete; nothing to resume" -- \
  "$ergon" sweep --V 0:5:6 --method averaged -o "$tmp/fin" --resume

# Physical units (issue 16): the nanotube example in ueV, GHz, mK and mV
# runs; its summary carries the SI values, consistent with the internal ones
# (current in nA = I e / (hbar / ueV)); a unit without [units] energy is refused.
"$ergon" steady --method averaged --config "$(dirname "$0")/../../examples/nanotube.toml" -o "$tmp/nt" >"$tmp/nt.txt" \
  || fail "nanotube example"
grep -q "in SI (\[units\] energy = \"ueV\")" "$tmp/nt.txt" || fail "nanotube SI line: $(cat "$tmp/nt.txt")"
/usr/bin/python3 - "$tmp/nt/summary.json" <<'PY' || fail "nanotube SI values"
import json, math, sys
s = json.load(open(sys.argv[1]))
hbar = 6.62607015e-34 / (2 * math.pi)
t = hbar / 1.602176634e-25  # hbar / ueV [s]
assert abs(s["current_nA"] / (s["current"] * 1.602176634e-19 / t * 1e9) - 1) < 1e-12, s["current_nA"]
assert abs(s["power_fW"] / (s["current"] * 0.12e-3 * 1.602176634e-19 / t * 1e15) - 1) < 1e-12, s["power_fW"]
assert abs(s["si"]["f0_Hz"] / 1e8 - 1) < 1e-12, s["si"]["f0_Hz"]
assert abs(s["si"]["bias_mV"] - 0.12) < 1e-12, s["si"]["bias_mV"]
assert s["provenance"]["si_units"]["energy_unit_J"] == 1.602176634e-25
PY
"$ergon" sweep --method averaged --config "$(dirname "$0")/../../examples/nanotube.toml" --sweep "lead.L.mu=50:60:2" \
  -o "$tmp/ntsw" >/dev/null 2>&1 || fail "nanotube sweep"
head -2 "$tmp/ntsw/sweep.csv" | grep -q "current_nA,current_nA_stderr,power_fW" || fail "sweep SI columns: $(head -2 "$tmp/ntsw/sweep.csv")"
check unit-without-units 2 "units.energy" -- "$ergon" steady --set "oscillator.w0=450 MHz"
check unit-wrong-dimension 2 "oscillator.w0 = 3 ns" -- "$ergon" steady --set units.energy=ueV --set "oscillator.w0=3 ns"

# Inputs as physicists have them (issue 19): a numpy.savetxt density matrix
# with complex entries, a one-column population file, a Wigner matrix with
# its axes in a header line; malformed ones name the file and line.
# |psi> = (|0> + i|1>)/sqrt(2), w0 = 0.2: pure, U = W_E = 0.1, all of it
# coherent (the dephased state (1/2, 1/2) is passive), |rho_01| = 1/2.
printf '# rho of (|0> + i|1>)/sqrt(2)\n (5e-01+0j) (0-5e-01j)\n (0+5e-01j) (5e-01+0j)\n' >"$tmp/rho.txt"
"$ergon" analyze --density "$tmp/rho.txt" --json >"$tmp/rho.json" 2>&1 || fail "analyze density: $(cat "$tmp/rho.json")"
/usr/bin/python3 - "$tmp/rho.json" <<'PY' || fail "density-matrix thermodynamics"
import json, sys
j = json.load(open(sys.argv[1]))
assert abs(j["energy"] - 0.1) < 1e-15 and abs(j["ergotropy"] - 0.1) < 1e-12, j
assert abs(j["coherent_ergotropy"] - 0.1) < 1e-12 and j["incoherent_ergotropy"] < 1e-15, j
assert abs(j["entropy"]) < 1e-12 and abs(j["max_coherence"] - 0.5) < 1e-15 and j["source"] == "density_matrix", j
PY
printf '0.5\n0.3\n0.2\n' >"$tmp/p.txt"
"$ergon" analyze --populations "$tmp/p.txt" --json >"$tmp/p.json" 2>&1 || fail "analyze one-column populations"
grep -q '"nbar": 0.7' "$tmp/p.json" || fail "one-column populations nbar: $(cat "$tmp/p.json")"
printf '1 2 3\n4 5\n' >"$tmp/ragged.txt"
check ragged-matrix 2 "ragged.txt:2: 2 values where the first row has 3" -- "$ergon" analyze --density "$tmp/ragged.txt"
printf '0.5 0.1\n0.3 0.5\n' >"$tmp/skew.txt"
check non-hermitian 2 "the density matrix is not Hermitian" -- "$ergon" analyze --density "$tmp/skew.txt"
printf '1 0 0\n0 0 0\n' >"$tmp/rect.txt"
check non-square 2 "rect.txt: a density matrix is square, not 2 x 3" -- "$ergon" analyze --density "$tmp/rect.txt"
check axes-without-wigner 2 "--xvec and --yvec are the axes of a Wigner matrix" -- \
  "$ergon" analyze --density "$tmp/rho.txt" --xvec -1:1:3
check bad-convention 2 "convention = wigner is not allowed: ergon" -- "$ergon" analyze --wigner "$tmp/vac.csv" --convention wigner
check bad-g 2 "g = -1 is not allowed" -- "$ergon" analyze --wigner "$tmp/vac.csv" --convention qutip --g -1
printf 'PK\003\004 not a zip' >"$tmp/bad.npz"
check bad-npz 4 "bad.npz" -- "$ergon" analyze --density "$tmp/bad.npz"
printf '\223NUMPY\001\000' >"$tmp/cut.npy"
check cut-npy 2 "cut.npy: not a NumPy .npy file" -- "$ergon" analyze --density "$tmp/cut.npy"
/usr/bin/python3 - "$tmp/vacm.txt" <<'PY'
import sys, numpy as np
xs = np.linspace(-4, 4, 81)
W = 2 / np.pi * np.exp(-2 * (xs[None, :] ** 2 + xs[:, None] ** 2))
np.savetxt(sys.argv[1], W, header="xvec -4:4:81\nyvec -4:4:81")
PY
"$ergon" analyze --wigner "$tmp/vacm.txt" >"$tmp/vacm.out" 2>&1 || fail "analyze Wigner matrix: $(cat "$tmp/vacm.out")"
grep -q "g2(0) undefined" "$tmp/vacm.out" || fail "Wigner-matrix vacuum: $(cat "$tmp/vacm.out")"
check axes-twice 2 "xvec is given both by --xvec and by the header line" -- \
  "$ergon" analyze --wigner "$tmp/vacm.txt" --xvec -4:4:81
check axes-missing 2 "a Wigner matrix needs its axes: --xvec" -- "$ergon" analyze --wigner "$tmp/skew.txt"
check g-without-qutip 2 "--g is QuTiP's phase-space scale: it needs --convention qutip" -- \
  "$ergon" analyze --wigner "$tmp/vacm.txt" --g 2
check convention-without-wigner 2 "--convention is the phase space of a Wigner function" -- \
  "$ergon" analyze --density "$tmp/rho.txt" --convention qutip
# The long-format CSV honours --convention too: the vacuum in QuTiP's x, y
# (vacq.csv, written above) is the vacuum.
"$ergon" analyze --wigner "$tmp/vacq.csv" --convention qutip >"$tmp/vacq.out" 2>&1 || fail "qutip long CSV: $(cat "$tmp/vacq.out")"
grep -q "g2(0) undefined" "$tmp/vacq.out" || fail "qutip long-format vacuum: $(cat "$tmp/vacq.out")"

# The HEOM method: refusals name the key; a small exact state is written with
# its density matrix, which `ergon analyze --density` reads back to the same
# thermodynamics; it runs in a sweep.
check coefficients-choice 2 'electronic.coefficients = "bogus" is not allowed' -- \
  "$ergon" steady --method averaged --set electronic.coefficients=bogus
check coefficients-sequential 2 'available for electronic.model = "resonant_level" only' -- \
  "$ergon" steady --method averaged --set electronic.model=sequential --set electronic.coefficients=frequency_resolved
check heom-fock-one 2 "heom.fock = 1 is not allowed" -- "$ergon" steady --method heom --set heom.fock=1
check heom-tier 2 "heom.tier = 9 is not allowed" -- "$ergon" steady --method heom --set heom.tier=9
check heom-wideband 2 "lead.L.type = wideband is not allowed" -- \
  "$ergon" steady --method heom --set lead.L.type=wideband --set heom.fock=4
check heom-too-large 3 "heom.fock = 2000" -- "$ergon" steady --method heom --set heom.fock=2000 --set heom.tier=3
heom_args=(--set oscillator.w0=1 --set heom.fock=12 --set heom.converge=false --set heom.poles=2)
"$ergon" steady --method heom --V 3 "${heom_args[@]}" -o "$tmp/heom" --json >"$tmp/heom.json" 2>"$tmp/heom.err" ||
  fail "heom steady: $(cat "$tmp/heom.err")"
[ -s "$tmp/heom/density.txt" ] || fail "heom: no density.txt"
"$ergon" analyze --density "$tmp/heom/density.txt" --set oscillator.w0=1 --json >"$tmp/heoma.json" 2>&1 ||
  fail "analyze heom density: $(cat "$tmp/heoma.json")"
/usr/bin/python3 - "$tmp/heom.json" "$tmp/heoma.json" <<'PY' || fail "heom density round trip"
import json, sys
s, a = (json.load(open(p)) for p in sys.argv[1:3])
for k in ("nbar", "entropy", "ergotropy", "g2"):
    assert abs(s[k] - a[k]) < 1e-9 * max(1.0, abs(s[k])), (k, s[k], a[k])
assert abs(s["coherent_ergotropy"] - a["coherent_ergotropy"]) < 1e-9
assert s["heom_residual"] < 1e-10 and s["heom_iterations"] > 0 and s["heom_fock"] == 12
PY
# The same state in an HDF5 result: /density holds rho_mn as re and im.
if /usr/bin/python3 -c 'import h5py' 2>/dev/null; then
  "$ergon" steady --method heom --V 3 "${heom_args[@]}" -o "$tmp/heom.h5" >/dev/null 2>"$tmp/heomh.err" ||
    fail "heom steady -o .h5: $(cat "$tmp/heomh.err")"
  /usr/bin/python3 - "$tmp/heom.h5" "$tmp/heom/density.txt" <<'PY' || fail "heom density in HDF5"
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r") as f:
    rho = f["density/re"][...] + 1j * f["density/im"][...]
ref = np.loadtxt(sys.argv[2], dtype=complex)
assert rho.shape == (12, 12), rho.shape
assert np.max(np.abs(rho - ref)) < 1e-15, np.max(np.abs(rho - ref))
assert abs(np.trace(rho) - 1) < 1e-12
PY
fi
"$ergon" sweep --method heom "${heom_args[@]}" --V 2,3 -o "$tmp/heoms" >/dev/null 2>"$tmp/heoms.err" ||
  fail "heom sweep: $(cat "$tmp/heoms.err")"
grep -q "coherent_ergotropy" "$tmp/heoms/sweep.csv" || fail "heom sweep lacks coherent_ergotropy"

echo "$pass passed, $fails failed"
[ "$fails" -eq 0 ]
