"""One steady state by both methods: summary with error bars, Wigner function, populations.

usage: PYTHONPATH=build/python /usr/bin/python3 examples/steady_state.py [V] [OUT.png]
"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import ergon  # noqa: E402

V = float(sys.argv[1]) if len(sys.argv) > 1 else 6.0
out = sys.argv[2] if len(sys.argv) > 2 else "steady.png"
config = ergon.Config(V=V, settings={"langevin.time": 2e7})
averaged = ergon.steady(config, method="averaged")
sampled = ergon.steady(config, method="langevin")
for key in ("energy", "g2", "entropy", "ergotropy", "free_energy_work"):
    a, s = averaged["summary"], sampled["summary"]
    print("%-18s averaged %10.5g   sampler %10.5g +- %.2g" % (key, a[key], s[key], s[key + "_stderr"]))
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
w = sampled["wigner"]
ax1.imshow(w["W"].T, origin="lower", extent=[w["re_alpha"][0], w["re_alpha"][-1], w["im_alpha"][0], w["im_alpha"][-1]])
ax1.set_xlabel(r"Re $\alpha$")
ax1.set_ylabel(r"Im $\alpha$")
for label, s in (("averaged", averaged), ("sampler", sampled)):
    p = s["populations"]
    ax2.semilogy(p["n"], np.clip(p["p_n"], 1e-12, None), label=label)
ax2.set_xlabel("n")
ax2.set_ylabel(r"$p_n$")
ax2.legend(frameon=False)
fig.savefig(out, dpi=100)
print("wrote", out)
