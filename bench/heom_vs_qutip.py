#!/usr/bin/python3
"""ergon's HEOM steady state against QuTiP's HEOMSolver.steady_state, side by
side in one run (issue 17's performance goal: at least 30 times faster).

The same problem for both: the paper's device at w0 = 1 (lambda = 0.1, V = 3
unless given), two Pade poles per lead, tier 2, Fock cut-off N = 8 and 10;
QuTiP's FermionicBath objects are built from ergon's own exponents
(ergon.heom_exponents, as python/tests/test_heom_qutip.py does), and QuTiP runs
with its default settings (HEOMSolver(...).steady_state()). Each timing is the
best of --repeat runs (QuTiP: one run unless asked; it takes minutes). Prints
the CPU model and instruction sets, the seconds, the ratio and max |rho_ergon
- rho_QuTiP|.

  PYTHONPATH=build/python bench/heom_vs_qutip.py [--fock 8 10] [--repeat 3]
"""
import argparse
import os
import platform
import sys
import time

import numpy as np


def cpu():
    model, flags = platform.processor() or "?", set()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name") and model in ("?", "", "x86_64"):
                    model = line.split(":", 1)[1].strip()
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
    except OSError:
        pass
    isa = [x for x in ("avx512f", "avx2", "fma") if x in flags]
    return f"{model} ({', '.join(isa) or 'baseline'}, {os.cpu_count()} cores)"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fock", type=int, nargs="+", default=[8, 10])
    ap.add_argument("--V", type=float, default=3.0)
    ap.add_argument("--repeat", type=int, default=3, help="ergon runs per size (best is reported)")
    ap.add_argument("--qutip-repeat", type=int, default=1)
    a = ap.parse_args()

    import ergon
    import qutip
    from qutip.nonmarkov.bofin_solvers import HEOMSolver

    print(f"# CPU: {cpu()}; ergon {ergon.__version__} ({ergon.git_commit}), QuTiP {qutip.__version__}")
    print(f"# paper's device, w0 = 1, V = {a.V}, 2 poles per lead, tier 2")
    print(f"{'N':>4} {'ergon 1 thread [s]':>19} {'ergon all [s]':>14} {'QuTiP [s]':>10} {'QuTiP/ergon(1)':>15} "
          f"{'QuTiP/ergon(all)':>17} {'max|drho|':>10}")
    for N in a.fock:
        cfg = ergon.Config(V=a.V, settings={"oscillator.w0": 1.0, "heom.tier": 2, "heom.poles": 2, "heom.fock": N,
                                            "heom.converge": False})
        times = {}
        for threads in (1, 0):
            best = float("inf")
            for _ in range(a.repeat):
                t0 = time.perf_counter()
                s = ergon.steady(cfg, method="heom", threads=threads)
                best = min(best, time.perf_counter() - t0)
            times[threads] = best
        rho = s["density"]
        H, baths = ergon.qutip_heom_model(cfg, N, eps=0.0, w0=1.0, lam=0.1)
        best_q = float("inf")
        for _ in range(a.qutip_repeat):
            t0 = time.perf_counter()
            rq, _ = HEOMSolver(H, baths, max_depth=2).steady_state()
            best_q = min(best_q, time.perf_counter() - t0)
        diff = np.max(np.abs(rho - rq.ptrace(1).full()))
        print(f"{N:>4} {times[1]:>19.3f} {times[0]:>14.3f} {best_q:>10.2f} {best_q / times[1]:>15.0f} "
              f"{best_q / times[0]:>17.0f} {diff:>10.1e}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
