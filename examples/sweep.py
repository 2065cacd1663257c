"""Ergotropy and free-energy work against bias (Fig. 4) with the averaged solver.

usage: PYTHONPATH=build/python /usr/bin/python3 examples/sweep.py [POINTS] [OUT.png]
"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import ergon  # noqa: E402

points = int(sys.argv[1]) if len(sys.argv) > 1 else 21
out = sys.argv[2] if len(sys.argv) > 2 else "sweep.png"
config = ergon.Config()
r = ergon.sweep(config, {"V": np.linspace(0, 20, points)}, method="averaged")
threshold = ergon.damping_threshold(config)
fig, ax = plt.subplots(figsize=(6, 4), constrained_layout=True)
ax.plot(r["V"], r["ergotropy"], "r-", label=r"$W_E$")
ax.plot(r["V"], r["free_energy_work"], "r--", label=r"$W_F$")
ax.axvline(threshold, color="0.4", ls="-.", label="gamma(0) = 0 at V = %.3f" % threshold)
ax.set_xlabel("bias V (" + ergon.bias_convention + ")")
ax.set_ylabel("work [energy]")
ax.legend(frameon=False)
fig.savefig(out, dpi=100)
print("wrote", out, "threshold", threshold)
