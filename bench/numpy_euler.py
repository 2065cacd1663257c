"""Baseline "numpy": a vectorised NumPy ensemble of the paper's explicit Euler
scheme (Eqs. C1-C2) with linear interpolation on a uniform table of <n>,
gamma and D (read from a CSV written by `ergon coefficients`).

usage: /usr/bin/python3 bench/numpy_euler.py TABLE.csv [trajectories] [steps]
Prints ns per trajectory-step.
"""
import sys
import time

import numpy as np

table = np.genfromtxt(sys.argv[1], delimiter=",", names=True, skip_header=1)  # after the "# ergon VERSION" line
M = int(sys.argv[2]) if len(sys.argv) > 2 else 4096
steps = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
xs, n, gamma, D = table["x"], table["n"], table["gamma"], table["D"]
w0, m, F, dt = 0.2, 1.0, 0.0632455532033676, 0.001
xmin, dx = xs[0], xs[1] - xs[0]
rng = np.random.default_rng(1)
x = np.full(M, 10.0)
v = np.zeros(M)
sum_E = 0.0
start = time.perf_counter()
for _ in range(steps):
    u = (x - xmin) / dx
    i = u.astype(np.int64)
    f = u - i
    nn = n[i] * (1 - f) + n[i + 1] * f
    gg = gamma[i] * (1 - f) + gamma[i + 1] * f
    DD = D[i] * (1 - f) + D[i + 1] * f
    v_new = v + (-w0 * w0 * x + F / m * nn - gg * v) * dt + np.sqrt(DD * dt) / m * rng.standard_normal(M)
    x = x + v * dt
    v = v_new
    sum_E += np.mean(0.5 * m * v * v + 0.5 * m * w0 * w0 * x * x)
seconds = time.perf_counter() - start
print("numpy: %.3f ns/step (%d trajectories x %d steps, mean E %.4g)" % (1e9 * seconds / (M * steps), M, steps,
                                                                        sum_E / steps))
