"""Fig. 5 in a few lines: the electronic coefficients against x/x0 at several biases.

usage: PYTHONPATH=build/python /usr/bin/python3 examples/coefficients_plot.py [OUT.png]
"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import ergon  # noqa: E402

out = sys.argv[1] if len(sys.argv) > 1 else "coefficients.png"
x = np.linspace(-20, 20, 201)
fig, axes = plt.subplots(1, 3, figsize=(12, 3.6), constrained_layout=True)
for V in (0, 4, 6, 16):
    c = ergon.coefficients(ergon.Config(V=V), x)
    for ax, key in zip(axes, ("n", "D", "gamma")):
        ax.plot(c["x_over_x0"], c[key], label="V = %g" % V)
for ax, label in zip(axes, (r"$\langle n\rangle_x$", "D(x)", r"$\gamma(x)$")):
    ax.set_xlabel(r"$x/x_0$")
    ax.set_ylabel(label)
axes[0].legend(frameon=False)
fig.suptitle("bias convention: " + ergon.bias_convention)
fig.savefig(out, dpi=100)
print("wrote", out)
