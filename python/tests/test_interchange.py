"""States as physicists have them (QuTiP objects and Wigner functions, NumPy
files, complex density matrices) through `ergon analyze` and ergon.analyze,
against QuTiP and closed forms; ergon.load round trips of every output."""
import json
import math
import os
import subprocess

import numpy as np
import pytest
import qutip

import ergon

CLI = os.environ.get("ERGON_CLI", "build/bin/ergon")
W0, T = 0.2, 2.0


def cli(*args, check=True):
    r = subprocess.run([CLI, "analyze", *args, "--json", "--set", f"oscillator.w0={W0}", "--temperature", str(T)],
                       capture_output=True, text=True)
    if check:
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)
    return r


def poisson_passive(mu, n):
    """Passive mean number of the sorted Poisson weights (the dephased coherent state)."""
    p = np.array([math.exp(k * math.log(mu) - mu - math.lgamma(k + 1)) for k in range(n)])
    return float(np.sum(np.arange(n) * np.sort(p)[::-1]))


# A Wigner grid resolves rho to about its quadrature error: with these axes
# (spacing 0.1 in QuTiP's x, y) nbar of |1.5 + 0.5i> is off by 5e-5 (measured).
GRID_TOL = 1e-3
XVEC = np.linspace(-6, 6, 121)
YVEC = np.linspace(-5.5, 5.5, 111)  # a different length: rows and columns cannot be confused


def test_qutip_wigner_matrix_in_every_file_format(tmp_path):
    beta = 1.5 + 0.5j
    W = qutip.wigner(qutip.coherent_dm(60, beta), XVEC, YVEC)  # shape (len(yvec), len(xvec))
    assert W.shape == (111, 121)
    np.savetxt(tmp_path / "w.txt", W, header="xvec -6:6:121\nyvec -5.5:5.5:111")
    np.savetxt(tmp_path / "w.csv", W, delimiter=",")
    np.save(tmp_path / "w.npy", W)
    np.savez(tmp_path / "w.npz", W=W, xvec=XVEC, yvec=YVEC)
    np.savez_compressed(tmp_path / "wc.npz", W=W, xvec=XVEC, yvec=YVEC)
    axes = ["--xvec", "-6:6:121", "--yvec", "-5.5:5.5:111"]
    runs = [cli("--wigner", str(tmp_path / "w.txt"), "--convention", "qutip"),
            cli("--wigner", str(tmp_path / "w.csv"), *axes, "--convention", "qutip"),
            cli("--wigner", str(tmp_path / "w.npy"), *axes, "--convention", "qutip"),
            cli("--wigner", str(tmp_path / "w.npz"), "--convention", "qutip"),
            cli("--wigner", str(tmp_path / "wc.npz"), "--convention", "qutip")]
    py = ergon.analyze(W, xvec=XVEC, yvec=YVEC, convention="qutip", w0=W0, temperature=T)
    mu = abs(beta) ** 2
    for r in runs + [py]:
        assert r["nbar"] == pytest.approx(mu, rel=GRID_TOL)
        assert r["ergotropy"] == pytest.approx(W0 * mu, rel=GRID_TOL)  # pure: W_E = U
        assert r["entropy"] < 5 * GRID_TOL
        assert r["incoherent_ergotropy"] == pytest.approx(W0 * (mu - poisson_passive(mu, 60)), rel=GRID_TOL)
        assert r["g2"] == pytest.approx(1.0, abs=5 * GRID_TOL)
    for r in runs[1:] + [py]:  # the same numbers from every format
        assert r["nbar"] == pytest.approx(runs[0]["nbar"], rel=1e-12)
    # Read in ergon's convention by mistake, the same matrix is another state
    # (alpha stretched by sqrt(2): nbar = 2 |beta|^2 + 1/2, as a phase-space
    # scaling of the symmetric moments predicts), so the option matters.
    wrong = cli("--wigner", str(tmp_path / "w.npz"))
    assert wrong["nbar"] == pytest.approx(2 * mu + 0.5, rel=GRID_TOL)


def test_phase_space_conventions_against_qutip():
    """QuTiP's g = 2 puts alpha = x + i y with int W dx dy = 1: ergon's own
    convention. The default g = sqrt(2) and g = 1 must agree with it."""
    rho = qutip.displace(50, 1.0 - 0.7j) * qutip.squeeze(50, 0.3) * qutip.thermal_dm(50, 0.4) \
        * qutip.squeeze(50, 0.3).dag() * qutip.displace(50, 1.0 - 0.7j).dag()
    exact = ergon.analyze(rho, w0=W0, temperature=T)
    x = np.linspace(-6, 6, 161)
    results = [ergon.analyze(qutip.wigner(rho, x, x, g=2.0), xvec=x, yvec=x, w0=W0, temperature=T)]
    for g in (2.0, math.sqrt(2.0), 1.0):
        xs = x * 2 / g  # the same alpha range in QuTiP's x for this g
        W = qutip.wigner(rho, xs, xs, g=g)
        results.append(ergon.analyze(W, xvec=xs, yvec=xs, convention="qutip", g=g, w0=W0, temperature=T))
    for r in results:
        for key in ("nbar", "energy", "ergotropy", "free_energy_work"):
            assert r[key] == pytest.approx(exact[key], rel=GRID_TOL), key
        assert r["entropy"] == pytest.approx(exact["entropy"], abs=5 * GRID_TOL)


def test_npy_population_vector(tmp_path):
    p = np.diag(qutip.thermal_dm(200, 3.0).full()).real  # thermal, nbar = 3
    np.save(tmp_path / "p.npy", p)
    np.savetxt(tmp_path / "p.txt", p)
    nb = 3.0 * (1 - (3.0 / 4.0) ** 200)  # the truncated thermal state's mean
    for r in (cli("--populations", str(tmp_path / "p.npy")), cli("--populations", str(tmp_path / "p.txt")),
              ergon.analyze(p, w0=W0, temperature=T)):
        assert r["nbar"] == pytest.approx(float(np.sum(np.arange(200) * p)), rel=1e-12)
        assert r["nbar"] == pytest.approx(nb, rel=1e-9)
        assert r["entropy"] == pytest.approx(qutip.entropy_vn(qutip.Qobj(np.diag(p))), rel=1e-10)
        assert r["ergotropy"] == 0.0 and r["coherent_ergotropy"] == 0.0  # thermal: passive
        assert r["g2"] == pytest.approx(2.0, rel=1e-9)


def test_coherent_state_density_matrix(tmp_path):
    beta, N = 2.0 - 1.0j, 70
    rho = qutip.coherent_dm(N, beta, method="analytic").full()
    np.save(tmp_path / "rho.npy", rho)
    np.savetxt(tmp_path / "rho.txt", rho)  # numpy's complex text: (re+imj)
    mu = abs(beta) ** 2
    for r in (cli("--density", str(tmp_path / "rho.npy")), cli("--density", str(tmp_path / "rho.txt")),
              ergon.analyze(qutip.coherent(N, beta, method="analytic"), w0=W0, temperature=T),
              ergon.analyze(qutip.coherent_dm(N, beta, method="analytic"), w0=W0, temperature=T), ergon.analyze(rho, w0=W0, temperature=T)):
        assert r["nbar"] == pytest.approx(mu, rel=1e-10)
        assert r["ergotropy"] == pytest.approx(W0 * mu, rel=1e-10)
        assert abs(r["entropy"]) < 1e-9
        assert r["g2"] == pytest.approx(1.0, rel=1e-9)
        incoherent = W0 * (mu - poisson_passive(mu, N))
        assert r["incoherent_ergotropy"] == pytest.approx(incoherent, rel=1e-10)
        assert r["coherent_ergotropy"] == pytest.approx(W0 * mu - incoherent, rel=1e-10)
        # T S of a numerically pure state (eigenvalues at rounding) is ~1e-9.
        assert r["free_energy_work"] == pytest.approx(W0 * mu - T * math.log(-math.expm1(-W0 / T)), abs=T * 1e-9)
    # Its phase average is diagonal: no coherent part, the same incoherent one.
    averaged = ergon.analyze(np.diag(np.diag(rho)), w0=W0, temperature=T)
    assert averaged["coherent_ergotropy"] == pytest.approx(0, abs=1e-15)
    assert averaged["ergotropy"] == pytest.approx(W0 * (mu - poisson_passive(mu, N)), rel=1e-10)
    assert averaged["max_coherence"] == 0.0


def test_squeezed_thermal_state_against_closed_forms():
    # rho = S(r) rho_th(n) S(r)^dag: the thermal spectrum (S and the passive
    # state are the thermal state's), <a^dag a> = (n + 1/2) cosh 2r - 1/2,
    # |<a a>| = (n + 1/2) sinh 2r, g2 = 2 + |<a a>|^2 / nbar^2 (Gaussian).
    r, n, N = 0.5, 0.5, 120
    S = qutip.squeeze(N, r)
    rho = S * qutip.thermal_dm(N, n) * S.dag()
    res = ergon.analyze(rho, w0=W0, temperature=T)
    nbar = (n + 0.5) * math.cosh(2 * r) - 0.5
    m = (n + 0.5) * math.sinh(2 * r)
    assert res["nbar"] == pytest.approx(nbar, rel=1e-9)
    assert res["entropy"] == pytest.approx((n + 1) * math.log(n + 1) - n * math.log(n), rel=1e-9)
    assert res["ergotropy"] == pytest.approx(W0 * (nbar - n), rel=1e-8)
    assert res["g2"] == pytest.approx(2 + m * m / (nbar * nbar), rel=1e-8)
    assert res["coherent_ergotropy"] > 0.5 * res["ergotropy"]  # squeezing is coherence between |k> and |k+2>


def test_random_states_against_qutip_entropy_and_expect():
    rng = np.random.default_rng(5)
    for trial in range(20):
        N = 4 + trial
        rho = qutip.rand_dm(N, density=1.0, seed=int(rng.integers(1 << 30)))
        r = ergon.analyze(rho, w0=0.7, temperature=1.3)
        a = qutip.destroy(N)
        nbar = qutip.expect(a.dag() * a, rho)
        assert r["nbar"] == pytest.approx(nbar, rel=1e-12)
        assert r["entropy"] == pytest.approx(qutip.entropy_vn(rho), rel=1e-10, abs=1e-12)
        assert r["g2"] == pytest.approx(qutip.expect(a.dag() * a.dag() * a * a, rho) / nbar ** 2, rel=1e-11)
        # W_F = T D(rho || rho_th) with the untruncated thermal state.
        Z = 1 / -math.expm1(-0.7 / 1.3)
        wf = 1.3 * (-qutip.entropy_vn(rho) + 0.7 * nbar / 1.3 + math.log(Z))
        assert r["free_energy_work"] == pytest.approx(wf, rel=1e-10)
        ev = np.sort(rho.eigenenergies())[::-1]
        assert r["ergotropy"] == pytest.approx(0.7 * (nbar - np.sum(np.arange(N) * ev)), rel=1e-10, abs=1e-13)
        assert r["max_coherence"] == pytest.approx(np.max(np.abs(rho.full() - np.diag(np.diag(rho.full())))))


def test_malformed_inputs_are_refused_naming_the_file(tmp_path):
    np.save(tmp_path / "w.npy", np.ones((5, 4)))
    r = cli("--wigner", str(tmp_path / "w.npy"), "--xvec", "-1:1:5", "--yvec", "-1:1:5", check=False)
    assert r.returncode == 2 and "w.npy: the Wigner matrix is 5 x 4 where len(yvec) x len(xvec) = 5 x 5" in r.stderr
    r = cli("--wigner", str(tmp_path / "w.npy"), check=False)
    assert r.returncode == 2 and "needs its axes: --xvec START:STOP:COUNT" in r.stderr
    np.savez(tmp_path / "a.npz", rho=np.eye(3) / 3)
    r = cli("--wigner", str(tmp_path / "a.npz"), check=False)
    assert r.returncode == 2 and "a.npz: no array named W or wigner (the archive holds: rho)" in r.stderr
    np.save(tmp_path / "h.npy", np.array([[0.5, 0.3], [0.1, 0.5]]))
    r = cli("--density", str(tmp_path / "h.npy"), check=False)
    assert r.returncode == 2 and "not Hermitian" in r.stderr
    np.save(tmp_path / "c.npy", np.array([0.5, 0.5j]))
    r = cli("--populations", str(tmp_path / "c.npy"), check=False)
    assert r.returncode == 2 and "c.npy: complex values" in r.stderr
    (tmp_path / "z.npy").write_bytes(b"\x93NUMPY\x01\x00")
    r = cli("--density", str(tmp_path / "z.npy"), check=False)
    assert r.returncode == 2 and "z.npy" in r.stderr and "nan" not in r.stdout
    (tmp_path / "bad.npz").write_bytes(b"PK\x03\x04garbage")
    r = cli("--density", str(tmp_path / "bad.npz"), check=False)
    assert r.returncode != 0 and "bad.npz" in r.stderr and "Traceback" not in r.stderr
    with pytest.raises(ValueError, match="not Hermitian"):
        ergon.analyze(np.array([[0.5, 0.3], [0.1, 0.5]]), w0=W0, temperature=T)
    with pytest.raises(ValueError, match="shape \\(5, 4\\) where \\(len\\(yvec\\), len\\(xvec\\)\\) = \\(5, 5\\)"):
        ergon.analyze(np.ones((5, 4)), xvec=np.linspace(-1, 1, 5), yvec=np.linspace(-1, 1, 5), w0=W0, temperature=T)
    with pytest.raises(ValueError, match="phase space of a Wigner matrix"):
        ergon.analyze(np.eye(2) / 2, convention="qutip", w0=W0, temperature=T)
    with pytest.raises(ValueError, match="both axes"):
        ergon.analyze(np.ones((5, 5)), xvec=np.linspace(-1, 1, 5), w0=W0, temperature=T)


def test_load_round_trips(tmp_path):
    ergon_cli = os.environ.get("ERGON_CLI", "build/bin/ergon")
    run = lambda *a: subprocess.run([ergon_cli, *a], check=True, capture_output=True, text=True)  # noqa: E731
    run("steady", "--V", "6", "--method", "averaged", "-o", str(tmp_path / "st"))
    run("sweep", "--V", "0:6:3", "--method", "averaged", "-o", str(tmp_path / "sw"))
    run("coefficients", "--V", "6", "--x-range", "-2:2:5", "-o", str(tmp_path / "co.csv"))
    d = ergon.load(tmp_path / "st")
    p = np.genfromtxt(tmp_path / "st" / "populations.csv", delimiter=",", names=True, skip_header=1)
    np.testing.assert_array_equal(d["populations"]["p_n"], p["p_n"])
    assert d["summary"]["ergotropy"] == json.load(open(tmp_path / "st" / "summary.json"))["ergotropy"]
    assert d["config"]["oscillator"]["w0"] == 0.2 and d["config"]["lead"]["L"]["mu"] == 6.0
    commit = json.load(open(tmp_path / "st" / "summary.json"))["provenance"]["git_commit"]
    assert d["provenance"]["git_commit"] == commit
    assert open(tmp_path / "st" / "populations.csv").readline().strip().endswith(f"({commit})")
    sw = ergon.load(tmp_path / "sw" / "sweep.csv")
    np.testing.assert_array_equal(sw["sweep"]["V"], [0.0, 3.0, 6.0])
    assert sw["config"]["oscillator"]["w0"] == 0.2
    co = ergon.load(tmp_path / "co.csv")
    assert co["co"]["x_over_x0"].shape == (5,) and co["provenance"]["git_commit"] == commit
    if subprocess.run([ergon_cli, "steady", "--V", "6", "--method", "averaged", "-o", str(tmp_path / "st.h5")],
                      capture_output=True).returncode == 0:
        h = ergon.load(tmp_path / "st.h5")
        np.testing.assert_allclose(h["populations"]["p_n"], d["populations"]["p_n"], rtol=0, atol=0)
        assert h["config"]["oscillator"]["w0"] == 0.2 and h["provenance"]["git_commit"] == commit
        assert h["summary"]["ergotropy"] == d["summary"]["ergotropy"]
    # A directory of result directories (as ergon reproduce writes them) loads as nested dicts.
    parent = ergon.load(tmp_path)
    np.testing.assert_array_equal(parent["st"]["populations"]["p_n"], d["populations"]["p_n"])
    np.testing.assert_array_equal(parent["sw"]["sweep"]["V"], [0.0, 3.0, 6.0])
    # A truncated ergon table is refused, as the CLI's readers refuse it.
    text = (tmp_path / "st" / "populations.csv").read_text().splitlines()
    (tmp_path / "cut.csv").write_text("\n".join(text[:10]) + "\n")
    with pytest.raises(ValueError, match="truncated"):
        ergon.load(tmp_path / "cut.csv")
