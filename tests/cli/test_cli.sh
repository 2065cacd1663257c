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
check bias-twice 2 "--V and --set lead.L.mu=3 both set the bias" -- "$ergon" coefficients --V 2 --set lead.L.mu=3
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
rows=$(tail -n +2 "$tmp/coef.csv" | wc -l)
head=$(head -1 "$tmp/coef.csv")
if [ "$rows" -eq 3 ] && [ "$head" = "x_over_x0,x,n,D,gamma,fdt_ratio,current" ] &&
  [ "$(cut -d, -f1 "$tmp/coef.csv" | tail -n +2 | tr '\n' ' ')" = "0 2.5 5 " ]; then
  pass=$((pass + 1))
else
  echo "FAIL coefficients example: $(cat "$tmp/coef.csv")"; fails=$((fails + 1))
fi
# Atomic file output with provenance.
"$ergon" coefficients --V 16 --x-range 0:5:3 -o "$tmp/coef2.csv" && cmp -s "$tmp/coef.csv" "$tmp/coef2.csv" &&
  grep -q '"git_commit"' "$tmp/coef2.csv.json" && pass=$((pass + 1)) ||
  { echo "FAIL coefficients -o"; fails=$((fails + 1)); }
ls -a "$tmp" | grep -q '\.tmp\.' && { echo "FAIL temporary file left behind"; fails=$((fails + 1)); }

echo "$pass passed, $fails failed"
[ "$fails" -eq 0 ]
