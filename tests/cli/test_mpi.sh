#!/usr/bin/env bash
# MPI (build with -DERGON_WITH_MPI=ON): `mpirun -np K ergon sweep` writes
# exactly the files of a single-process run, for both methods; `mpirun -np K
# ergon steady` shares one point's trajectories and writes the single-process
# result; a killed MPI sweep resumes to the identical result.
# Usage: test_mpi.sh ERGON MPIEXEC
set -u
ergon="$1"
mpiexec="$2"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
pass=0
fail() { echo "FAIL $*"; fails=$((fails + 1)); }
flags=(--oversubscribe)
[ "$(id -u)" -eq 0 ] && flags+=(--allow-run-as-root)
export OMPI_MCA_rmaps_base_oversubscribe=1

compare() {  # compare NAME NP -- sweep options
  local name="$1" np="$2"
  shift 3
  "$ergon" sweep "$@" -o "$tmp/serial_$name" 2>"$tmp/err" || { fail "$name serial: $(cat "$tmp/err")"; return; }
  "$mpiexec" "${flags[@]}" -np "$np" "$ergon" sweep "$@" -o "$tmp/mpi_$name" 2>"$tmp/err" ||
    { fail "$name mpirun -np $np: $(cat "$tmp/err")"; return; }
  if cmp -s "$tmp/serial_$name/sweep.csv" "$tmp/mpi_$name/sweep.csv"; then pass=$((pass + 1)); else
    fail "$name: mpirun -np $np differs from the serial run"; diff "$tmp/serial_$name/sweep.csv" "$tmp/mpi_$name/sweep.csv" | head -4
  fi
}

compare averaged 2 -- --method averaged --V 0:20:9 --threads 1
compare langevin 3 -- --V 0,6,16 --time 4e6 --trajectories 16 --threads 1
compare grid 2 -- --method averaged --V 2,12 --beta 0.5,1 --threads 1

# One steady state with its trajectory groups shared among the ranks: the
# same Wigner grid, radial density, populations and summary as one process
# (timings, host and dates aside).
"$ergon" steady --V 16 --time 4e6 --threads 2 -o "$tmp/steady_serial" 2>"$tmp/err" >/dev/null ||
  fail "steady serial: $(cat "$tmp/err")"
for np in 2 3; do
  if "$mpiexec" "${flags[@]}" -np "$np" "$ergon" steady --V 16 --time 4e6 --threads 1 -o "$tmp/steady_$np" \
    2>"$tmp/err" >/dev/null; then
    same=1
    for f in wigner.csv radial.csv populations.csv; do
      cmp -s <(grep -v '^#' "$tmp/steady_serial/$f") <(grep -v '^#' "$tmp/steady_$np/$f") || { same=0; echo "  $f differs"; }
    done
    /usr/bin/python3 - "$tmp/steady_serial/summary.json" "$tmp/steady_$np/summary.json" <<'PY' || same=0
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
skip = {"wall_seconds", "steps_per_second", "provenance", "command_line", "threads"}
diff = [k for k in a if k not in skip and a[k] != b.get(k)]
assert not diff, diff
PY
    [ $same -eq 1 ] && pass=$((pass + 1)) || fail "steady under mpirun -np $np differs from the serial run"
  else
    fail "steady mpirun -np $np: $(cat "$tmp/err")"
  fi
done

# Errors on any rank stop all ranks with one message from rank 0.
"$mpiexec" "${flags[@]}" -np 2 "$ergon" sweep --method averaged --V 0,1 --set lead.L.width=-1 2>"$tmp/err" >/dev/null
rc=$?
[ "$rc" -ne 0 ] && [ "$(grep -c "lead.L.width = -1 is not allowed" "$tmp/err")" -eq 1 ] && pass=$((pass + 1)) ||
  fail "bad input under MPI: status $rc, stderr: $(cat "$tmp/err")"

# Killed under MPI, resumed under MPI: identical to the serial run.
bash "$(dirname "$0")/test_resume.sh" "$ergon" "$mpiexec" "${flags[@]}" -np 2 >"$tmp/resume.log" 2>&1 &&
  pass=$((pass + 1)) || { fail "resume under MPI"; cat "$tmp/resume.log"; }

echo "mpi: $pass passed, $fails failed"
[ "$fails" -eq 0 ]
