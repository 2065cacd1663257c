"""Figures of the paper from ergon's output files (one plotting implementation).

Usage: python3 -m ergon.plot DIR|FILE.h5 [--out FIGDIR]

DIR is a directory written by ``ergon reproduce`` (or any directory holding
its sub-directories); FILE.h5 an HDF5 result of ``ergon steady``, ``ergon
sweep`` or ``ergon coefficients`` (read with h5py). Every figure states the bias convention
mu_L = +V, mu_R = -V in its caption; statistical quantities carry error bars.
"""

import argparse
import csv
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

CONVENTION = r"bias convention $\mu_L = +V$, $\mu_R = -V$"
PARAMS = (r"$\omega_0=0.2$, $m=1$, $\lambda=0.1$, $\omega_{L,R}=\pm0.5$, $\delta=1$, $\Gamma=2$"
          r", $\hbar=e=k_B=1$")


def read_csv(path):
    """Columns of a numeric CSV file as a dict of numpy arrays."""
    with open(path, newline="") as f:
        rows = [r for r in csv.reader(f) if r and not r[0].startswith("#")]
    header, data = rows[0], np.array(rows[1:], dtype=float)
    if data.ndim == 1:
        data = data.reshape(1, -1)
    return {name: data[:, i] for i, name in enumerate(header)}


def _caption(fig, text):
    # Below the axes; savefig(bbox_inches="tight") grows the canvas to fit it.
    fig.text(0.5, -0.02, text, ha="center", va="top", fontsize=8, wrap=True)


def _save(fig, out, name):
    path = os.path.join(out, name)
    fig.savefig(path, dpi=130, bbox_inches="tight")
    plt.close(fig)
    print("wrote", path)
    return path


def _threshold(directory):
    path = os.path.join(directory, "threshold.json")
    if os.path.exists(path):
        with open(path) as f:
            return json.load(f).get("damping_threshold")
    return None


def wigner_figure(directory, out):
    """Fig. 2: Wigner functions below, just above and far above threshold."""
    runs = sorted(d for d in os.listdir(directory) if d.startswith("fig2_V"))
    if not runs:
        return None
    runs.sort(key=lambda d: float(d[len("fig2_V"):]))
    fig, axes = plt.subplots(1, len(runs), figsize=(4.6 * len(runs), 4.2), constrained_layout=True)
    axes = np.atleast_1d(axes)
    for ax, run in zip(axes, runs):
        w = read_csv(os.path.join(directory, run, "wigner.csv"))
        with open(os.path.join(directory, run, "summary.json")) as f:
            s = json.load(f)
        xs, ys = np.unique(w["re_alpha"]), np.unique(w["im_alpha"])
        W = w["W"].reshape(len(xs), len(ys)).T
        im = ax.imshow(W, origin="lower", extent=[xs[0], xs[-1], ys[0], ys[-1]], cmap="viridis")
        ax.set_xlabel(r"Re $\alpha = x/x_0$")
        ax.set_ylabel(r"Im $\alpha = p/p_0$")
        ax.set_title("V = %g:  U = %.3g $\\pm$ %.2g" % (s["bias"], s["energy"], s["energy_stderr"]))
        fig.colorbar(im, ax=ax, fraction=0.046, label=r"$W(\alpha)$")
    fig.suptitle("Fig. 2: steady-state Wigner functions (%s sampler)" % s["method"])
    _caption(fig, CONVENTION + "; " + PARAMS + r", $\beta=0.5$")
    return _save(fig, out, "fig2_wigner.png")


def _sweeps(directory):
    sampled = os.path.join(directory, "sweep_langevin", "sweep.csv")
    averaged = os.path.join(directory, "sweep_averaged", "sweep.csv")
    return (read_csv(sampled) if os.path.exists(sampled) else None,
            read_csv(averaged) if os.path.exists(averaged) else None)


def g2_figure(directory, out):
    """Fig. 3: second-order coherence against bias."""
    sampled, averaged = _sweeps(directory)
    if sampled is None and averaged is None:
        return None
    fig, ax = plt.subplots(figsize=(6, 4.2))
    if averaged is not None:
        ax.plot(averaged["V"], averaged["g2"], "k-", lw=1.2, label="energy-averaged solution")
    if sampled is not None:
        ax.errorbar(sampled["V"], sampled["g2"], yerr=sampled["g2_stderr"], fmt="o", ms=4, capsize=2,
                    color="C0", label="Langevin sampler")
    ax.axhline(2, color="0.6", ls=":", lw=1)
    ax.axhline(1, color="0.6", ls=":", lw=1)
    vt = _threshold(directory)
    if vt is not None:
        ax.axvline(vt, color="0.3", ls="-.", lw=1, label=r"$\gamma(0)=0$ at V = %.3f" % vt)
    ax.set_xlabel("bias V")
    ax.set_ylabel(r"$g^{(2)}(0)$")
    ax.legend(frameon=False)
    ax.set_title("Fig. 3: second-order coherence")
    _caption(fig, CONVENTION + "; thermal 2, coherent 1; " + PARAMS)
    return _save(fig, out, "fig3_g2.png")


def work_figure(directory, out):
    """Fig. 4: ergotropy, free-energy work and entropy against bias."""
    sampled, averaged = _sweeps(directory)
    if sampled is None and averaged is None:
        return None
    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    ax2 = ax.twinx()
    if averaged is not None:
        ax.plot(averaged["V"], averaged["ergotropy"], "r-", lw=1.4, label=r"$W_E$ (averaged)")
        ax.plot(averaged["V"], averaged["free_energy_work"], "r--", lw=1.4, label=r"$W_F$ (averaged)")
        ax2.plot(averaged["V"], averaged["entropy"], "b-", lw=1.0, label="S (averaged)")
    if sampled is not None:
        ax.errorbar(sampled["V"], sampled["ergotropy"], yerr=sampled["ergotropy_stderr"], fmt="o", ms=3.5,
                    color="r", capsize=2, label=r"$W_E$ (sampler)")
        ax.errorbar(sampled["V"], sampled["free_energy_work"], yerr=sampled["free_energy_work_stderr"], fmt="s",
                    ms=3.5, color="r", mfc="none", capsize=2, label=r"$W_F$ (sampler)")
        ax2.errorbar(sampled["V"], sampled["entropy"], yerr=sampled["entropy_stderr"], fmt="^", ms=3.5,
                     color="b", capsize=2, label="S (sampler)")
    vt = _threshold(directory)
    if vt is not None:
        ax.axvline(vt, color="0.3", ls="-.", lw=1)
    ax.set_xlabel("bias V")
    ax.set_ylabel(r"extractable work (energy units)", color="r")
    ax2.set_ylabel("von Neumann entropy S", color="b")
    lines = ax.get_legend_handles_labels()
    lines2 = ax2.get_legend_handles_labels()
    ax.legend(lines[0] + lines2[0], lines[1] + lines2[1], frameon=False, fontsize=8, loc="upper left")
    ax.set_title("Fig. 4: ergotropy, free-energy work and entropy")
    _caption(fig, CONVENTION + r"; $W_F$ at the leads' temperature T = 2; threshold: $\gamma(x=0)=0$; " + PARAMS)
    return _save(fig, out, "fig4_work.png")


def _coefficient_panels(files, labels, title, out, name, caption):
    fig, axes = plt.subplots(1, 3, figsize=(13, 4), constrained_layout=True)
    for path, label in zip(files, labels):
        c = read_csv(path)
        axes[0].plot(c["x_over_x0"], c["n"], label=label)
        axes[1].plot(c["x_over_x0"], c["D"], label=label)
        axes[2].plot(c["x_over_x0"], c["gamma"], label=label)
    axes[0].set_ylabel(r"excess charge $\langle n\rangle_x$")
    axes[1].set_ylabel(r"diffusion $D(x)$")
    axes[2].set_ylabel(r"damping $\gamma(x)$")
    axes[2].axhline(0, color="0.6", lw=0.8)
    for ax in axes:
        ax.set_xlabel(r"$x/x_0$")
    axes[0].legend(frameon=False, fontsize=8)
    fig.suptitle(title)
    _caption(fig, caption)
    return _save(fig, out, name)


def coefficient_figures(directory, out):
    """Figs. 5-7: occupation, fluctuation and dissipation against position."""
    made = []
    f5 = sorted((f for f in os.listdir(directory) if f.startswith("fig5_coefficients_V")),
                key=lambda f: float(f[len("fig5_coefficients_V"):-4]))
    if f5:
        labels = ["V = %g" % float(f[len("fig5_coefficients_V"):-4]) for f in f5]
        paths = [os.path.join(directory, f) for f in f5]
        made.append(_coefficient_panels(paths, labels, "Fig. 5: electronic coefficients at several biases", out,
                                        "fig5_coefficients.png", CONVENTION + r"; $\beta = 0.5$; " + PARAMS))
        fig, ax = plt.subplots(figsize=(6, 4.2))
        for path, label in zip(paths, labels):
            c = read_csv(path)
            ratio = np.where(np.abs(c["fdt_ratio"]) < 50, c["fdt_ratio"], np.nan)
            ax.plot(c["x_over_x0"], ratio, label=label)
        ax.axhline(4, color="0.6", ls=":", lw=1)
        ax.set_ylim(-20, 20)
        ax.set_xlabel(r"$x/x_0$")
        ax.set_ylabel(r"$D(x) / (m\gamma(x))$")
        ax.legend(frameon=False, fontsize=8)
        ax.set_title("Fig. 6: fluctuation-dissipation ratio (2/beta = 4 at V = 0)")
        _caption(fig, CONVENTION + r"; curves clipped where $|\gamma| \to 0$; " + PARAMS)
        made.append(_save(fig, out, "fig6_fdt.png"))
    f7 = sorted((f for f in os.listdir(directory) if f.startswith("fig7_coefficients_beta")),
                key=lambda f: float(f[len("fig7_coefficients_beta"):-4]))
    if f7:
        labels = [r"$\beta$ = %g" % float(f[len("fig7_coefficients_beta"):-4]) for f in f7]
        made.append(_coefficient_panels([os.path.join(directory, f) for f in f7], labels,
                                        "Fig. 7: electronic coefficients at several temperatures", out,
                                        "fig7_temperature.png",
                                        r"$\mu_L = -\mu_R = 15$ (V = 15 in the convention $\mu_L=+V$, "
                                        r"$\mu_R=-V$); " + PARAMS))
    return made


def populations_figure(directory, out):
    """Fock populations of the Fig. 2 states."""
    runs = sorted((d for d in os.listdir(directory) if d.startswith("fig2_V")),
                  key=lambda d: float(d[len("fig2_V"):]))
    if not runs:
        return None
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    for run in runs:
        p = read_csv(os.path.join(directory, run, "populations.csv"))
        keep = p["p_n"] > 1e-12
        ax.errorbar(p["n"][keep], p["p_n"][keep], yerr=p["stderr"][keep], lw=1, label="V = %s" % run[6:])
    ax.set_yscale("log")
    ax.set_xlabel("Fock number n")
    ax.set_ylabel(r"$p_n$")
    ax.legend(frameon=False)
    ax.set_title("Fock populations of the steady states")
    _caption(fig, CONVENTION + "; from the smooth (log-spline) radial density; " + PARAMS)
    return _save(fig, out, "populations.png")


def validation_figure(directory, out):
    """Sampler against the averaged solution, and the integrators' bias in dt."""
    comp = os.path.join(directory, "comparison.csv")
    conv = os.path.join(directory, "convergence.csv")
    if not os.path.exists(comp):
        return None
    c = read_csv(comp)
    names = ["energy", "g2", "entropy", "ergotropy", "free_energy_work"]
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.4), constrained_layout=True)
    ax = axes[0]
    for i, name in enumerate(names):
        sel = c["quantity_index"] == i
        ax.plot(c["V"][sel] + 0.12 * (i - 2), c["deviation_sigma"][sel], "o", label=name)
    for level in (-3, 3):
        ax.axhline(level, color="0.5", ls=":")
    ax.axhline(0, color="0.7", lw=0.8)
    ax.set_xlabel("bias V")
    ax.set_ylabel("(sampler - averaged) / standard error")
    ax.set_title("cross-validation of the two methods")
    ax.legend(frameon=False, fontsize=8)
    if os.path.exists(conv):
        v = read_csv(conv)
        ax = axes[1]
        for flag, label, color in ((0, "splitting", "C0"), (1, "euler (the paper's)", "C3")):
            sel = v["integrator_euler"] == flag
            if not np.any(sel):
                continue
            rel = v["energy"][sel] / v["reference"][sel] - 1
            err = v["stderr"][sel] / v["reference"][sel]
            ax.errorbar(v["dt"][sel], rel, yerr=err, fmt="o", color=color, capsize=2, label=label + " (sampled)")
            ax.plot(v["dt"][sel], v["predicted"][sel] / v["reference"][sel] - 1, "--", color=color,
                    label=label + " (predicted)")
        ax.set_xscale("log")
        ax.axhline(0, color="0.7", lw=0.8)
        ax.set_xlabel("time step dt")
        ax.set_ylabel("relative bias of U at V = 0")
        ax.set_title("integrator bias against the exact equilibrium")
        ax.legend(frameon=False, fontsize=8)
    _caption(fig, CONVENTION + "; " + PARAMS)
    return _save(fig, out, "validation.png")


def _grid(table, a, b, value):
    """A 2-D array value[i, j] at the sorted unique a-values i and b-values j."""
    av, bv = np.unique(table[a]), np.unique(table[b])
    grid = np.full((len(av), len(bv)), np.nan)
    grid[np.searchsorted(av, table[a]), np.searchsorted(bv, table[b])] = table[value]
    return av, bv, grid


def map_figure(directory, out):
    """Self-oscillation maps: W_E over bias and gate, the damping threshold gamma(0) = 0."""
    maps = [(d, t) for d, t in (("map_paper", "the paper's level (NEGF, $\\Gamma = 2$)"),
                                ("map_dot", "U = $\\infty$ dot (sequential, $\\Gamma = 0.02$)"))
            if os.path.exists(os.path.join(directory, d, "sweep.csv"))]
    if not maps:
        return None
    fig, axes = plt.subplots(1, len(maps), figsize=(6.2 * len(maps), 4.6), constrained_layout=True, squeeze=False)
    for ax, (d, title) in zip(axes[0], maps):
        s = read_csv(os.path.join(directory, d, "sweep.csv"))
        V, eps, work = _grid(s, "V", "dot.eps", "ergotropy")
        im = ax.pcolormesh(eps, V, np.maximum(work, 0.0), shading="nearest", cmap="magma")
        fig.colorbar(im, ax=ax, label=r"ergotropy $W_E$ [energy]")
        damping = os.path.join(directory, d, "damping.csv")
        if os.path.exists(damping):
            g = read_csv(damping)
            gV, geps, g0 = _grid(g, "V", "dot.eps", "gamma0")
            if np.nanmin(g0) < 0 < np.nanmax(g0):
                ax.contour(geps, gV, g0, levels=[0.0], colors="cyan", linewidths=1.5)
                ax.plot([], [], color="cyan", label=r"$\gamma(x=0) = 0$")
                ax.legend(frameon=False, loc="upper left", labelcolor="w")
        ax.set_xlabel(r"gate: level energy $\varepsilon$")
        ax.set_ylabel("bias V")
        ax.set_title(title)
    fig.suptitle("Self-oscillation maps (averaged solver)")
    _caption(fig, CONVENTION + r"; Lorentzian leads $\omega_{L,R}=\pm0.5$, $\delta=1$, $\beta=0.5$, "
             r"$\omega_0=0.2$, $\lambda=0.1$; the dot at $\omega_0 = 0.2$ is outside the quasi-adiabatic regime "
             r"(its charge relaxes slower than the oscillator turns): a qualitative map")
    return _save(fig, out, "map_self_oscillation.png")


def render(directory, out=None):
    """Renders every figure whose data is present; returns the paths."""
    out = out or os.path.join(directory, "figures")
    os.makedirs(out, exist_ok=True)
    made = [wigner_figure(directory, out), g2_figure(directory, out), work_figure(directory, out),
            populations_figure(directory, out), validation_figure(directory, out), map_figure(directory, out)]
    made += coefficient_figures(directory, out)
    return [m for m in made if m]


def _h5_string(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def read_hdf5(path):
    """An ergon HDF5 result as (kind, {group: {name: array}}, attributes).

    Refuses files that are not complete ergon results."""
    import h5py

    with h5py.File(path, "r") as f:
        attrs = {k: f.attrs[k] for k in f.attrs}
        if _h5_string(attrs.get("format", "")) != "ergon-result-1" or int(attrs.get("complete", 0)) != 1:
            raise ValueError("%s is not a complete ergon result (format/complete attributes)" % path)
        groups = {}
        for name, obj in f.items():
            if isinstance(obj, h5py.Group) and name != "points":
                groups[name] = {k: v[()] for k, v in obj.items() if isinstance(v, h5py.Dataset)}
                groups[name].update({"@" + k: obj.attrs[k] for k in obj.attrs})
        return _h5_string(attrs["kind"]), groups, attrs


def _errorbar(ax, x, table, key, **kw):
    err = table.get(key + "_stderr")
    if err is not None and np.any(err > 0):
        ax.errorbar(x, table[key], yerr=err, fmt="o", ms=3, capsize=2, **kw)
    else:
        ax.plot(x, table[key], "-", **kw)


def hdf5_figure(path, out):
    """One figure summarising an HDF5 result (steady, sweep or coefficients)."""
    kind, g, attrs = read_hdf5(path)
    stem = os.path.splitext(os.path.basename(path))[0]
    caption = CONVENTION + "; ergon " + _h5_string(attrs.get("ergon_version", "")) + ", " + \
        _h5_string(attrs.get("command_line", ""))
    return _summary_figure(kind, g, caption, out, stem)


def _directory_result(directory):
    """(kind, groups) of an ergon steady or sweep output directory, or None."""
    summary = os.path.join(directory, "summary.json")
    if os.path.exists(summary) and os.path.exists(os.path.join(directory, "radial.csv")):
        with open(summary) as f:
            s = json.load(f)
        g = {"summary": {"@" + k: v for k, v in s.items() if isinstance(v, (int, float))},
             "radial": read_csv(os.path.join(directory, "radial.csv")),
             "populations": read_csv(os.path.join(directory, "populations.csv"))}
        if os.path.exists(os.path.join(directory, "wigner.csv")):
            w = read_csv(os.path.join(directory, "wigner.csv"))
            xs, ys = np.unique(w["re_alpha"]), np.unique(w["im_alpha"])
            g["wigner"] = {"re_alpha": xs, "im_alpha": ys, "W": w["W"].reshape(len(xs), len(ys))}
        return "steady", g, s.get("provenance", {}).get("command_line", "")
    if os.path.exists(os.path.join(directory, "sweep.csv")):
        return "sweep", {"sweep": read_csv(os.path.join(directory, "sweep.csv"))}, ""
    return None


def _summary_figure(kind, g, caption, out, stem):
    os.makedirs(out, exist_ok=True)
    if kind == "steady":
        fig, axes = plt.subplots(1, 4, figsize=(16, 3.8))
        if "wigner" in g:
            w = g["wigner"]
            a = w["re_alpha"]
            axes[0].imshow(w["W"].T, origin="lower", extent=[a[0], a[-1], a[0], a[-1]], cmap="viridis")
            axes[0].set_xlabel(r"Re $\alpha$")
            axes[0].set_ylabel(r"Im $\alpha$")
            axes[0].set_title("Wigner function")
        axes[1].plot(g["radial"]["y"], g["radial"]["P_y"])
        axes[1].set_xlabel(r"$y = |\alpha|^2$")
        axes[1].set_ylabel(r"$P_y$")
        p = g["populations"]
        axes[2].semilogy(p["n"], np.clip(p["p_n"], 1e-16, None))
        axes[2].set_xlabel("n")
        axes[2].set_ylabel(r"$p_n$")
        if "coefficients" in g:
            c = g["coefficients"]
            axes[3].plot(c["x_over_x0"], c["D"], label="D")
            axes[3].plot(c["x_over_x0"], c["gamma"], label=r"$\gamma$")
            axes[3].set_xlabel(r"$x/x_0$")
            axes[3].legend(frameon=False)
        else:
            axes[3].axis("off")
        s = g["summary"]
        fig.suptitle("U = %.4g, g2 = %.4g, S = %.4g, W_E = %.4g, W_F = %.4g" % (
            s["@energy"], s["@g2"], s["@entropy"], s["@ergotropy"], s["@free_energy_work"]))
    elif kind == "sweep":
        t = g["sweep"]
        axis = next(iter(t))
        keys = ["energy", "g2", "entropy", "ergotropy", "free_energy_work"]
        fig, axes = plt.subplots(1, len(keys), figsize=(18, 3.6))
        for ax, k in zip(axes, keys):
            _errorbar(ax, t[axis], t, k)
            ax.set_xlabel(axis)
            ax.set_title(k)
    elif kind == "coefficients":
        c = g["coefficients"]
        keys = ["n", "D", "gamma", "current"]
        fig, axes = plt.subplots(1, len(keys), figsize=(15, 3.6))
        for ax, k in zip(axes, keys):
            ax.plot(c["x_over_x0"], c[k])
            ax.set_xlabel(r"$x/x_0$")
            ax.set_title(k)
    else:
        raise ValueError("%s: unknown result kind %r" % (stem, kind))
    _caption(fig, caption)
    return [_save(fig, out, "%s_%s.png" % (stem, kind))]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m ergon.plot", description=__doc__.splitlines()[0])
    parser.add_argument("directory", help="output directory of 'ergon reproduce', or an ergon FILE.h5")
    parser.add_argument("--out", help="where to write the PNG files (default: DIR/figures, FILE_figures)")
    args = parser.parse_args(argv)
    if args.directory.endswith((".h5", ".hdf5")):
        try:
            hdf5_figure(args.directory, args.out or os.path.splitext(args.directory)[0] + "_figures")
        except (OSError, ValueError, KeyError) as e:
            print("ergon.plot: error: %s" % e, file=sys.stderr)
            return 2
        return 0
    if not os.path.isdir(args.directory):
        print("ergon.plot: error: %s is not a directory" % args.directory, file=sys.stderr)
        return 2
    made = render(args.directory, args.out)
    if not made:
        # A single steady or sweep output directory (ergon steady/sweep -o DIR).
        found = _directory_result(args.directory)
        if found:
            kind, g, command = found
            made = _summary_figure(kind, g, CONVENTION + "; " + command, args.out or
                                   os.path.join(args.directory, "figures"),
                                   os.path.basename(os.path.normpath(args.directory)))
    if not made:
        print("ergon.plot: error: no ergon results found in %s" % args.directory, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
