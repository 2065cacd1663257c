#!/usr/bin/env bash
# Checkpoint and resume: a sweep killed at random moments (SIGKILL, SIGTERM,
# SIGINT) and resumed with --resume ends with files identical to an
# uninterrupted run; interrupted runs never leave a result under its final
# name. Usage: test_resume.sh ERGON [MPIRUN...]  (with MPIRUN, every sweep runs
# under it, e.g. "mpirun -np 2").
set -u
ergon="$1"
shift
launch=("$@")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
pass=0
fail() { echo "FAIL $*"; fails=$((fails + 1)); }

# Random kill delays in [0.2, 2.2) s, printed so a failure can be replayed.
delay() { echo "0.$(( $(od -An -N2 -tu2 /dev/urandom) % 10 ))" | awk '{ printf "%.2f", $1 * 2 + 0.2 }'; }

run_case() {  # run_case NAME OUT -- sweep options...
  local name="$1" out="$2"
  shift 3
  "${launch[@]}" "$ergon" sweep "$@" -o "$tmp/ref_$out" 2>"$tmp/err" || { fail "$name reference: $(cat "$tmp/err")"; return; }
  local target="$tmp/$out" rounds=0 first=1
  while :; do
    rounds=$((rounds + 1))
    local d sig
    d=$(delay)
    case $((rounds % 3)) in 1) sig=KILL ;; 2) sig=TERM ;; 0) sig=INT ;; esac
    local resume=()
    [ "$first" -eq 0 ] && resume=(--resume)
    timeout -s "$sig" "$d" "${launch[@]}" "$ergon" sweep "$@" -o "$target" "${resume[@]}" 2>"$tmp/err"
    local rc=$?
    first=0
    if [ "$rc" -eq 0 ]; then break; fi
    echo "  $name: round $rounds killed by SIG$sig after $d s (status $rc)"
    # Signals reach mpirun only, and its ranks can outlive it (by far, after
    # SIGKILL); a scheduler kills the whole job, so do the same before the
    # next round (which would otherwise be refused: the output is in use).
    if [ ${#launch[@]} -gt 0 ]; then
      for _ in $(seq 30); do pgrep -f -- "-o $target" >/dev/null || break; sleep 0.1; done
      pkill -KILL -f -- "-o $target" 2>/dev/null
      while pgrep -f -- "-o $target" >/dev/null; do sleep 0.1; done
    fi
    # Nothing under the final names until the sweep is complete (a signal
    # that reaches mpirun after rank 0 finished can still fail the run: then
    # the result is complete and the checkpoint gone).
    local done_file="$target/sweep.csv" ck="$target/checkpoint"
    [[ "$target" == *.h5 ]] && done_file="$target" ck="$target.checkpoint"
    if [ -e "$done_file" ]; then
      # Killed between writing the result and removing the checkpoint: the
      # result is complete; --resume recomputes nothing and tidies up.
      if [ -e "$ck" ]; then
        "${launch[@]}" "$ergon" sweep "$@" -o "$target" --resume 2>"$tmp/err" ||
          { fail "$name tidy-up (status $?): $(cat "$tmp/err")"; return; }
        grep -q "resuming: \([0-9]*\) of \1 points" "$tmp/err" || fail "$name: result written before every point was: $(cat "$tmp/err")"
      fi
      break
    fi
    if [ "$rounds" -ge 12 ]; then
      "${launch[@]}" "$ergon" sweep "$@" -o "$target" --resume 2>"$tmp/err" ||
        { fail "$name final (status $?): $(cat "$tmp/err")"; return; }
      break
    fi
  done
  if [[ "$target" == *.h5 ]]; then
    # Same tables and per-point data (attributes hold timings and dates).
    if /usr/bin/python3 - "$target" "$tmp/ref_$out" <<'PY'
import sys, h5py, numpy as np
a, b = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
names = []
a.visit(names.append)
other = []
b.visit(other.append)
assert names == other, (names, other)
for n in names:
    if isinstance(a[n], h5py.Dataset):
        assert np.array_equal(a[n][()], b[n][()]), n
PY
    then pass=$((pass + 1)); else fail "$name: HDF5 results differ"; fi
  else
    if cmp -s "$target/sweep.csv" "$tmp/ref_$out/sweep.csv"; then pass=$((pass + 1)); else
      fail "$name: resumed sweep.csv differs"; diff "$target/sweep.csv" "$tmp/ref_$out/sweep.csv" | head -5
    fi
    [ -e "$target/checkpoint" ] && fail "$name: checkpoint left behind after completion"
  fi
}

# Sizes chosen so that a run outlasts the kill delays (an averaged point
# takes ~4-9 ms on one core since the solver got fast).
run_case averaged avg -- --method averaged --V 0:20:800 --threads 2
run_case langevin lgv -- --V 0,3,6,9,12,16 --time 4e6 --trajectories 16 --threads 2
if /usr/bin/python3 -c "import h5py" 2>/dev/null && "$ergon" sweep --method averaged --V 1 -o "$tmp/probe.h5" 2>/dev/null; then
  run_case hdf5 run.h5 -- --method averaged --V 0:20:600 --threads 2
fi

# A checkpoint of another sweep is refused; a leftover one needs --resume.
mkdir -p "$tmp/x"
timeout -s KILL 1.5 "$ergon" sweep --method averaged --V 0:20:800 --threads 1 -o "$tmp/x" 2>/dev/null
if [ -d "$tmp/x/checkpoint" ]; then
  "$ergon" sweep --method averaged --V 0:20:801 -o "$tmp/x" --resume 2>"$tmp/err"
  [ $? -eq 2 ] && grep -q "holds checkpoints of a different sweep" "$tmp/err" && pass=$((pass + 1)) ||
    fail "mismatched checkpoint: $(cat "$tmp/err")"
  "$ergon" sweep --method averaged --V 0:20:800 -o "$tmp/x" 2>"$tmp/err"
  [ $? -eq 2 ] && grep -q "add --resume" "$tmp/err" && pass=$((pass + 1)) || fail "leftover checkpoint: $(cat "$tmp/err")"
  # An edited and a truncated point record: both are detected by their
  # checksums and computed again; the result equals an uninterrupted run's.
  mapfile -t points < <(ls "$tmp/x/checkpoint"/point-*.json | head -2)
  if [ "${#points[@]}" -eq 2 ]; then
    /usr/bin/python3 - "${points[0]}" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
# change one digit of the first stored value
m = re.search(r'"values":\[(-?[0-9])', text)
i = m.end(1) - 1
text = text[:i] + ("7" if text[i] != "7" else "3") + text[i + 1:]
open(sys.argv[1], "w").write(text)
PY
    head -c 100 "${points[1]}" >"$tmp/cut" && mv "$tmp/cut" "${points[1]}"
    "$ergon" sweep --method averaged --V 0:20:800 -o "$tmp/x" --resume 2>"$tmp/err"
    rc=$?
    damaged=$(grep -c "is damaged" "$tmp/err")
    if [ $rc -eq 0 ] && [ "$damaged" -eq 2 ] && cmp -s "$tmp/x/sweep.csv" "$tmp/ref_avg/sweep.csv"; then
      pass=$((pass + 1))
    else
      fail "damaged checkpoint records (status $rc, $damaged reported): $(cat "$tmp/err")"
    fi
  fi
fi

# Two runs never write the same output: the second is refused while the
# first holds it (the orphaned ranks of a killed MPI job included).
"${launch[@]}" "$ergon" sweep --method averaged --V 0:20:800 --threads 1 -o "$tmp/busy" 2>/dev/null &
first=$!
for _ in $(seq 50); do [ -d "$tmp/busy/checkpoint" ] && break; sleep 0.1; done
"$ergon" sweep --method averaged --V 0:20:800 --threads 1 -o "$tmp/busy" --resume 2>"$tmp/err"
rc=$?
[ $rc -eq 4 ] && grep -q "being written by another ergon process" "$tmp/err" && pass=$((pass + 1)) ||
  fail "concurrent run (status $rc): $(cat "$tmp/err")"
kill -TERM $first 2>/dev/null
wait $first 2>/dev/null

echo "resume: $pass passed, $fails failed"
[ "$fails" -eq 0 ]
