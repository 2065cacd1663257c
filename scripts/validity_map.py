#!/usr/bin/python3
"""The validity map of the semiclassical theory (issue 17, docs/validation.md).

For each device on a grid of w0 / Gamma, lambda and the bias V (the paper's leads
otherwise), solves the exact HEOM steady state and the two semiclassical methods
(averaged, sampler) with the paper's zero-frequency coefficients and with the
frequency-resolved ones (electronic.coefficients), and writes one CSV row per
(device, semiclassical variant) with the relative deviations from HEOM.

HEOM protocol per device (each a separate `ergon steady --method heom` run with
heom.converge = false, so every truncation is reported, not only the finest):
tier 2 / 3 poles / N from the averaged populations (tail 1e-8); N x 1.25 + 2;
4 poles; tier 3; tier 4 where it is small. The reference is the highest tier
solved; its truncation errors are the changes of each raise (the tier error is
the last tier step).

Every run's JSON is kept in OUT/runs/, so an interrupted map continues where it
stopped. Usage:
  scripts/validity_map.py [--ergon build/bin/ergon] [--out validity] [--budget SECONDS]
Then OUT/validity_map.csv and OUT/validity_map.png.
"""
import argparse
import csv
import hashlib
import json
import math
import os
import subprocess
import sys
import time

GAMMA = 2.0  # the paper's Gamma_L = Gamma_R
W0 = [2.0, 1.0, 0.4, 0.2]  # w0 / Gamma = 1, 0.5, 0.2, 0.1
LAMBDA = [0.1, 0.3]
BIAS = [0.0, 3.0, 6.0]  # V = mu_L - mu_R; the zero-frequency threshold is V = 4.23
QUANTITIES = ["nbar", "g2", "entropy", "ergotropy", "free_energy_work", "current"]
VARIANTS = [("averaged", "zero_frequency"), ("averaged", "frequency_resolved"), ("sampler", "zero_frequency"),
            ("sampler", "frequency_resolved")]
RUN_TIMEOUT = 480  # seconds per ergon run (recorded as an error; delete its cache file to retry)
CONVERGENCE = 1e-3  # of nbar and the current, per raise of N
MAX_FOCK_ROUNDS = 4
MAX_UNKNOWNS_TIER2 = 3.2e7  # b = 146 at tier 2 / 3 poles: N up to ~470 (about 8 GB with restart 8)
MAX_UNKNOWNS_TIER3 = 2.2e7  # b = 594 at tier 3 / 3 poles: N up to ~190 (about 6 GB, 90 s here);
# tier 4 (74 s at N = 37) only up to N = 25


def run(ergon, out, settings, budget_end):
    """One ergon steady run with --json, cached by its arguments."""
    args = ["steady", "--json"]
    for k, v in settings:
        if k in ("method", "V"):
            args += ["--" + k, str(v)]
        else:
            args += ["--set", f"{k}={v}"]
    key = hashlib.sha1(" ".join(args).encode()).hexdigest()[:16]
    path = os.path.join(out, "runs", key + ".json")
    if os.path.exists(path):
        with open(path) as f:
            return json.load(f)
    if time.time() > budget_end:
        return None
    t0 = time.time()
    try:
        p = subprocess.run([ergon] + args, capture_output=True, text=True, timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:  # subprocess.run kills the child
        p = subprocess.CompletedProcess(args, -1, "", f"timed out after {RUN_TIMEOUT} s")
    if p.returncode != 0:
        result = {"error": p.stderr.strip().splitlines()[-1] if p.stderr.strip() else f"rc {p.returncode}"}
    else:
        result = json.loads(p.stdout)
    result["_args"] = args
    result["_seconds"] = time.time() - t0
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(result, f)
    os.replace(tmp, path)
    print(f"  {result['_seconds']:7.1f} s  {' '.join(args)}" + (f"  [{result['error']}]" if "error" in result else ""),
          flush=True)
    return result


def device(w0, lam, V):
    return [("V", V), ("oscillator.w0", w0), ("oscillator.lambda", lam)]


def heom_reference(ergon, out, w0, lam, V, budget_end):
    base = device(w0, lam, V) + [("method", "heom"), ("heom.converge", "false")]
    a = run(ergon, out, base + [("heom.tier", 2), ("heom.poles", 3)], budget_end)
    if a is None or "error" in a:
        return {"error": (a or {}).get("error", "not run (time budget)")}

    def change(x, y):
        """Relative change of nbar and of the current (against 1e-3 of Gamma/2 near I = 0)."""
        if x is None or y is None or "error" in x or "error" in y:
            return float("nan")
        dn = abs(x["nbar"] - y["nbar"]) / abs(y["nbar"])
        di = abs(x["current"] - y["current"]) / max(abs(y["current"]), 1e-3 * GAMMA / 2)
        return max(dn, di)

    # Converge the cut-off at tier 2 first: N x 1.25 + 2 until nbar and the current move by
    # less than 1e-3 (a state that keeps growing with N is reported as such).
    N = int(a["heom_fock"])
    err_fock, last = float("nan"), a
    for _ in range(MAX_FOCK_ROUNDS):
        M = math.ceil(1.25 * N) + 2
        if 146 * M * M > MAX_UNKNOWNS_TIER2:
            break
        r = run(ergon, out, base + [("heom.tier", 2), ("heom.poles", 3), ("heom.fock", M)], budget_end)
        if r is None or "error" in r:
            break
        err_fock = change(r, last)
        if err_fock < CONVERGENCE:
            break  # N suffices: the poles and tier are checked there
        last, N = r, M
    poles = run(ergon, out, base + [("heom.tier", 2), ("heom.poles", 4), ("heom.fock", N)], budget_end)
    tiers = [last]
    for tier in (3, 4):
        if (tier == 3 and 594 * N * N > MAX_UNKNOWNS_TIER3) or (tier == 4 and N > 25):
            break
        t = run(ergon, out, base + [("heom.tier", tier), ("heom.poles", 3), ("heom.fock", N)], budget_end)
        if t is None or "error" in t:
            break
        tiers.append(t)
    best = tiers[-1]
    ref = {q: best[q] for q in QUANTITIES}
    ref.update({
        "N": N,
        "tier": len(tiers) + 1,
        "err_fock": err_fock,
        "err_poles": change(poles, last),
        "err_tier": change(tiers[-1], tiers[-2]) if len(tiers) > 1 else float("nan"),
        "coherent_ergotropy": best.get("coherent_ergotropy", float("nan")),
        "fock_tail": best.get("fock_tail", float("nan")),
        "seconds": sum(r.get("_seconds", 0) for r in {id(r): r for r in [a, last, poles] + tiers if r}.values()),
    })
    return ref


def semiclassical(ergon, out, w0, lam, V, method, coefficients, budget_end):
    s = device(w0, lam, V) + [("method", "langevin" if method == "sampler" else method),
                              ("electronic.coefficients", coefficients)]
    if method == "sampler":
        s += [("langevin.dt", 0.05 / w0)]  # w0 dt = 0.05 (the paper's default at w0 = 0.2)
    r = run(ergon, out, s, budget_end)
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ergon", default="build/bin/ergon")
    ap.add_argument("--out", default="validity")
    ap.add_argument("--budget", type=float, default=1e9, help="stop starting new runs after this many seconds")
    ap.add_argument("--no-plot", action="store_true")
    ap.add_argument("--cached-heom", action="store_true", help="run only the semiclassical methods; HEOM from the cache")
    a = ap.parse_args()
    os.makedirs(os.path.join(a.out, "runs"), exist_ok=True)
    budget_end = time.time() + a.budget
    rows = []
    # The paper's lambda first, below threshold before above, large w0 (small N) first.
    for lam in LAMBDA:
        for V in BIAS:
            for w0 in W0:
                print(f"w0 = {w0}, lambda = {lam}, V = {V}", flush=True)
                ref = heom_reference(a.ergon, a.out, w0, lam, V, 0.0 if a.cached_heom else budget_end)
                for method, coefficients in VARIANTS:
                    # Without an exact reference the semiclassical runs are not needed.
                    s = semiclassical(a.ergon, a.out, w0, lam, V, method, coefficients,
                                      0.0 if "error" in ref else budget_end)
                    row = {"w0_over_Gamma": w0 / GAMMA, "w0": w0, "lambda": lam, "V": V, "method": method,
                           "coefficients": coefficients}
                    row["heom_error"] = ref.get("error", "")
                    row["semiclassical_error"] = (s or {}).get("error", "" if s else "not run")
                    for k in ("N", "tier", "err_fock", "err_poles", "err_tier", "coherent_ergotropy", "seconds"):
                        row["heom_" + k] = ref.get(k, float("nan"))
                    for q in QUANTITIES:
                        h = ref.get(q, float("nan"))
                        v = s.get(q, float("nan")) if s and "error" not in s else float("nan")
                        e = s.get(q + "_stderr", 0.0) if s and "error" not in s else float("nan")
                        row["heom_" + q] = h
                        row[q] = v
                        row[q + "_stderr"] = e
                        if q in ("ergotropy", "free_energy_work", "current"):
                            # Near zero below threshold / at V = 0: absolute, in units of w0 and of
                            # the most a level carries, Gamma_L Gamma_R / (Gamma_L + Gamma_R) = 1.
                            row["dev_" + q] = (v - h) / (GAMMA / 2 if q == "current" else w0)
                        else:
                            row["dev_" + q] = v / h - 1.0 if h else float("nan")
                    rows.append(row)
    path = os.path.join(a.out, "validity_map.csv")
    with open(path + ".tmp", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        for r in rows:
            w.writerow(r)
    os.replace(path + ".tmp", path)
    print("wrote", path)
    markdown(rows, os.path.join(a.out, "validity_map.md"))
    if not a.no_plot:
        plot(rows, os.path.join(a.out, "validity_map.png"))


def fmt_dev(x, err=None):
    if x is None or not math.isfinite(x):
        return "-"
    t = f"{100 * x:+.2g} %" if abs(x) >= 1e-4 else f"{100 * x:+.1e} %"
    if err is not None and math.isfinite(err) and err > 0:
        t += f" ({100 * err:.1g})"
    return t


def state(r):
    """'' for a semiclassical run that gave numbers, 'not confined' or '-' (not run) otherwise."""
    e = r["semiclassical_error"]
    return "" if not e else ("not confined" if "confined" in e else "-")


def markdown(rows, path):
    """Two tables for docs/validation.md: nbar and current for every variant; g2, S, W_E, W_F
    for the averaged solver with both coefficient choices."""
    devices = []
    for r in rows:
        key = (r["V"], r["w0_over_Gamma"], r["lambda"])
        if key not in devices:
            devices.append(key)
    by = {(r["V"], r["w0_over_Gamma"], r["lambda"], r["method"], r["coefficients"]): r for r in rows}
    out = ["| V | w0/Gamma | lambda | HEOM nbar (N, tier) | truncation N / poles / tier | "
           "averaged zero-f | averaged resolved | sampler zero-f | sampler resolved | "
           "I HEOM | I - I_HEOM: averaged zero-f | resolved |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for V, wg, lam in devices:
        h = by[(V, wg, lam, "averaged", "zero_frequency")]
        if h["heom_error"]:
            head = f"| {V:g} | {wg:g} | {lam:g} | ({h['heom_error'][:60]}) | - "
        else:
            head = (f"| {V:g} | {wg:g} | {lam:g} | {h['heom_nbar']:.6g} ({h['heom_N']}, {h['heom_tier']}) | "
                    + " / ".join("-" if not math.isfinite(h['heom_' + k]) else f"{h['heom_' + k]:.0e}"
                                 for k in ("err_fock", "err_poles", "err_tier")) + " ")
        cells = []
        for method, coefficients in VARIANTS:
            r = by[(V, wg, lam, method, coefficients)]
            if state(r):
                cells.append(state(r))
            else:
                se = r["nbar_stderr"] / r["heom_nbar"] if method == "sampler" and r["heom_nbar"] else None
                cells.append(fmt_dev(r["dev_nbar"], se))
        cur = [f"{h['heom_current']:.5g}" if math.isfinite(h["heom_current"]) else "-"]
        for coefficients in ("zero_frequency", "frequency_resolved"):
            r = by[(V, wg, lam, "averaged", coefficients)]
            cur.append(state(r) or fmt_dev(r["dev_current"]))
        out.append(head + "| " + " | ".join(cells + cur) + " |")
    out += ["", "| V | w0/Gamma | lambda | g2 HEOM | g2 zero-f / resolved | S HEOM | S zero-f / resolved | "
            "W_E/w0 HEOM (coherent) | W_E/w0: zero-f / resolved | W_F/w0 HEOM | W_F/w0: zero-f / resolved |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    for V, wg, lam in devices:
        z = by[(V, wg, lam, "averaged", "zero_frequency")]
        f = by[(V, wg, lam, "averaged", "frequency_resolved")]
        if z["heom_error"]:
            continue
        w0 = z["w0"]

        def pair(q):
            return " / ".join(state(r) or fmt_dev(r["dev_" + q]) for r in (z, f))

        def absolute(q):
            return " / ".join(state(r) or f"{r[q] / w0:.3g}" for r in (z, f))

        out.append(f"| {V:g} | {wg:g} | {lam:g} | {z['heom_g2']:.5g} | {pair('g2')} | {z['heom_entropy']:.5g} | "
                   f"{pair('entropy')} | {z['heom_ergotropy'] / w0:.3g} ({z['heom_coherent_ergotropy'] / w0:.2g}) | "
                   f"{absolute('ergotropy')} | {z['heom_free_energy_work'] / w0:.3g} | {absolute('free_energy_work')} |")
    with open(path, "w") as fh:
        fh.write("\n".join(out) + "\n")
    print("wrote", path)


def plot(rows, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(len(LAMBDA), len(BIAS), figsize=(4 * len(BIAS), 3.2 * len(LAMBDA)), squeeze=False,
                             sharex=True)
    styles = {("averaged", "zero_frequency"): ("C0", "o-"), ("averaged", "frequency_resolved"): ("C1", "s-"),
              ("sampler", "zero_frequency"): ("C0", "x--"), ("sampler", "frequency_resolved"): ("C1", "+--")}
    for i, lam in enumerate(LAMBDA):
        for j, V in enumerate(BIAS):
            ax = axes[i][j]
            for (method, coefficients), (color, style) in styles.items():
                pts = sorted((r["w0_over_Gamma"], abs(r["dev_nbar"]),
                              r["nbar_stderr"] / r["heom_nbar"] if method == "sampler" else 0.0,
                              not (r["heom_err_fock"] < CONVERGENCE))
                             for r in rows
                             if r["lambda"] == lam and r["V"] == V and r["method"] == method and
                             r["coefficients"] == coefficients and math.isfinite(r["dev_nbar"]))
                if pts:
                    xs, ys = [p[0] for p in pts], [max(p[1], 1e-6) for p in pts]
                    ax.errorbar(xs, ys, yerr=[p[2] for p in pts], fmt=style, color=color, capsize=2,
                                label=f"{method}, {coefficients.replace('_', ' ')}")
                    bad = [(x, y) for x, y, p in zip(xs, ys, pts) if p[3]]
                    if bad:  # HEOM not converged in N there: the exact state outgrew the cut-off
                        ax.plot([b[0] for b in bad], [b[1] for b in bad], "o", mfc="none", mec="red", ms=11)
            ax.axhline(0.01, color="grey", lw=0.6, ls=":")
            ax.axhline(0.1, color="grey", lw=0.6, ls=":")
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_title(f"lambda = {lam}, V = {V}")
            if j == 0:
                ax.set_ylabel("|nbar / nbar_HEOM - 1|")
            if i == len(LAMBDA) - 1:
                ax.set_xlabel("w0 / Gamma")
    axes[0][0].legend(fontsize=7)
    fig.suptitle("semiclassical nbar against HEOM (red ring: HEOM still growing with the Fock cut-off)",
                 fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print("wrote", path)


if __name__ == "__main__":
    sys.exit(main())
