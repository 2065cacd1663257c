"""The HEOM solver against QuTiP's HEOMSolver (qutip.nonmarkov.bofin), built
from the same exponents (ergon.heom_exponents) as FermionicBath objects: the
reduced oscillator state rho_mn and the dot occupation, at two biases, tiers 2
and 3, off the symmetric point (eps != 0, so N0 != 1/2). Also the Pade
exponents against QuTiP's own LorentzianPadeBath where the two coincide
(band centred at mu)."""
import numpy as np
import pytest

import ergon

qutip = pytest.importorskip("qutip", reason="QuTiP is the oracle (Debian: python3-qutip)")
from qutip.nonmarkov.bofin_baths import LorentzianPadeBath  # noqa: E402
from qutip.nonmarkov.bofin_solvers import HEOMSolver  # noqa: E402


def config(V, tier, poles, fock, eps=0.4, w0=1.0, lam=0.3, **extra):
    settings = {"oscillator.w0": w0, "oscillator.lambda": lam, "dot.eps": eps, "heom.tier": tier,
                "heom.poles": poles, "heom.fock": fock, "heom.tolerance": 1e-12,
                "heom.converge": False}  # the truncation fixed: QuTiP solves the same problem
    settings.update(extra)
    return ergon.Config(V=V, settings=settings)


def qutip_state(cfg, tier, fock, eps, w0, lam):
    H, baths = ergon.qutip_heom_model(cfg, fock, eps=eps, w0=w0, lam=lam)
    d = qutip.tensor(qutip.destroy(2), qutip.qeye(fock))
    nd = d.dag() * d
    rho, _ = HEOMSolver(H, baths, max_depth=tier).steady_state(use_mkl=False)
    return rho.ptrace(1).full(), qutip.expect(nd, rho)


@pytest.mark.parametrize("V,tier,poles,fock", [(3.0, 2, 2, 6), (16.0, 2, 3, 5), (16.0, 3, 2, 3)])
def test_density_matrix_equals_qutip(V, tier, poles, fock):
    eps, w0, lam = 0.4, 1.0, 0.3
    cfg = config(V, tier, poles, fock, eps, w0, lam)
    s = ergon.steady(cfg, method="heom", threads=1)
    rho_q, occ_q = qutip_state(cfg, tier, fock, eps, w0, lam)
    rho = s["density"]
    assert rho.shape == (fock, fock)
    assert np.max(np.abs(rho - rho_q)) < 1e-8
    assert abs(s["summary"]["occupation"] - occ_q) < 1e-8
    # Coherences exist (the coupling (a + a^dag) breaks the phase symmetry),
    # so the comparison tests more than populations.
    assert np.max(np.abs(rho_q - np.diag(np.diag(rho_q)))) > 1e-4


def test_exponents_equal_qutip_pade_bath():
    # Band centred at the chemical potential: QuTiP's LorentzianPadeBath is
    # then the same decomposition (physics.md section 12).
    cfg = ergon.Config(V=0.0, settings={"lead.L.center": 0.0, "lead.R.center": 0.0, "heom.poles": 4})
    ex = ergon.heom_exponents(cfg)
    q = qutip.tensor(qutip.destroy(2))
    bath = LorentzianPadeBath(q, gamma=2.0, w=1.0, mu=0.0, T=2.0, Nk=4)
    ck = np.array([e.ck for e in bath.exponents])
    vk = np.array([e.vk for e in bath.exponents])
    left = ex["lead"] == 0
    np.testing.assert_allclose(ex["c"][left], ck, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(ex["nu"][left], vk, rtol=1e-12, atol=1e-14)
