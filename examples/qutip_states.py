"""States from QuTiP: coherent, phase-averaged, squeezed; their ergotropy split into incoherent
and coherent parts, from the density matrix and from a Wigner function on a grid.

usage: PYTHONPATH=build/python /usr/bin/python3 examples/qutip_states.py [OUT.png]
"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import qutip  # noqa: E402

import ergon  # noqa: E402

out = sys.argv[1] if len(sys.argv) > 1 else "qutip_states.png"
N, w0, T = 60, 0.2, 2.0
coherent = qutip.coherent_dm(N, 1.5 + 0.5j)
states = {
    "coherent |1.5+0.5i>": coherent,
    "phase-averaged coherent": qutip.Qobj(np.diag(np.diag(coherent.full()))),
    "squeezed vacuum r = 0.8": qutip.ket2dm(qutip.squeeze(N, 0.8) * qutip.basis(N, 0)),
    "thermal nbar = 2.5": qutip.thermal_dm(N, 2.5),
}
print(f"{'state':26s} {'U':>8s} {'S':>8s} {'W_E':>8s} {'incoh.':>8s} {'coher.':>8s} {'W_F':>8s}")
for name, rho in states.items():
    r = ergon.analyze(rho, w0=w0, temperature=T)
    print(f"{name:26s} {r['energy']:8.4f} {r['entropy']:8.4f} {r['ergotropy']:8.4f} "
          f"{r['incoherent_ergotropy']:8.4f} {r['coherent_ergotropy']:8.4f} {r['free_energy_work']:8.4f}")

# The same coherent state from its Wigner function, in QuTiP's phase-space convention.
xvec = np.linspace(-6, 6, 121)
W = qutip.wigner(coherent, xvec, xvec)
r = ergon.analyze(W, xvec=xvec, yvec=xvec, convention="qutip", w0=w0, temperature=T)
print(f"{'coherent, from its Wigner':26s} {r['energy']:8.4f} {r['entropy']:8.4f} {r['ergotropy']:8.4f} "
      f"{r['incoherent_ergotropy']:8.4f} {r['coherent_ergotropy']:8.4f} {r['free_energy_work']:8.4f}")

fig, ax = plt.subplots(figsize=(4.5, 4), constrained_layout=True)
ax.contourf(xvec, xvec, W, 40, cmap="RdBu_r")
ax.set_xlabel("x (QuTiP, g = sqrt 2)")
ax.set_ylabel("y")
ax.set_title(f"W_E = {r['ergotropy']:.3f}: coherent part {r['coherent_ergotropy']:.3f}")
fig.savefig(out, dpi=100)
print("wrote", out)
