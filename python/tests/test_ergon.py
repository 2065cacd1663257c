"""The Python module: round trips against the CLI, shapes and units, error
messages, the examples, the plotting entry point, and a cross-check of the
Fock map and thermodynamics against QuTiP."""
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import ergon

CLI = os.environ.get("ERGON_CLI", "build/bin/ergon")
SOURCE = os.environ.get("ERGON_SOURCE", ".")


def cli_json(*args):
    return json.loads(subprocess.run([CLI, *args, "--json"], check=True, capture_output=True, text=True).stdout)


def test_round_trip_against_the_cli():
    s = ergon.steady(ergon.Config(V=6), method="averaged")["summary"]
    c = cli_json("steady", "--V", "6", "--method", "averaged")
    for key in ("energy", "g2", "entropy", "ergotropy", "free_energy_work", "current", "n_max"):
        assert s[key] == pytest.approx(c[key], rel=1e-12, abs=1e-15), key


def test_sampler_round_trip_is_bit_identical():
    cfg = ergon.Config(V=6, settings={"langevin.time": 2e6, "langevin.burn_in": 1e3})
    s = ergon.steady(cfg, method="langevin", threads=1)["summary"]
    c = cli_json("steady", "--V", "6", "--time", "2e6", "--set", "langevin.burn_in=1e3", "--threads", "2")
    assert s["energy"] == c["energy"] and s["energy_stderr"] == c["energy_stderr"]


def test_shapes_and_units():
    cfg = ergon.Config(V=16)
    x = np.linspace(-5, 5, 11)
    r = ergon.coefficients(cfg, x)
    for key in ("x", "n", "D", "gamma", "current"):
        assert r[key].shape == x.shape
    np.testing.assert_allclose(r["x"], x * cfg.x0)
    assert cfg.x0 == pytest.approx(np.sqrt(10.0))
    assert cfg.F == pytest.approx(2 * 0.1 / np.sqrt(10.0))
    s = ergon.steady(cfg, method="averaged")
    w = s["wigner"]
    assert w["W"].shape == (len(w["re_alpha"]), len(w["im_alpha"]))
    h = w["re_alpha"][1] - w["re_alpha"][0]
    assert np.sum(w["W"]) * h * h == pytest.approx(1.0, abs=2e-3)
    rad = s["radial"]
    assert np.trapz(rad["P_y"], rad["y"]) == pytest.approx(1.0, abs=1e-2)
    pops = s["populations"]
    # P_y is normalised exactly; the Fock map's quadrature and the 1e-12 tail
    # cut leave the trace within 1e-7 of one (the C++ tests bound it per stage).
    assert pops["p_n"].sum() == pytest.approx(s["summary"]["trace"], rel=1e-12)
    assert s["summary"]["trace"] == pytest.approx(1.0, abs=1e-7)
    assert s["summary"]["energy"] == pytest.approx(0.2 * s["summary"]["nbar"])


def test_bad_arguments_raise_value_error_naming_them():
    with pytest.raises(ValueError, match="'foo'"):
        ergon.Config(foo=1)
    with pytest.raises(ValueError, match="lead.L.widht"):
        ergon.Config(settings={"lead.L.widht": 1.0})
    with pytest.raises(ValueError, match="lead.R.beta = 0"):
        ergon.Config(settings={"lead.R.beta": 0})
    with pytest.raises(ValueError, match="'exact'"):
        ergon.steady(ergon.Config(), method="exact")
    cfg = ergon.Config()
    with pytest.raises(ValueError, match="oscillator.mass = -1"):
        cfg["oscillator.mass"] = -1
    assert cfg["oscillator.mass"] == 1.0


def test_one_conflict_rule_with_the_command_line():
    # V sets lead.L.mu; a setting of the same key is refused, as on the CLI.
    with pytest.raises(ValueError, match="both set lead.L.mu"):
        ergon.Config(V=5, settings={"lead.L.mu": 1})
    with pytest.raises(ValueError, match="both set lead.R.beta"):
        ergon.Config(beta=2, settings={" lead.R.beta": 1})
    # None is the documented default; a string is not a number.
    assert ergon.Config(V=None)["lead.L.mu"] == 0.0
    with pytest.raises(TypeError, match="V must be a real number"):
        ergon.Config(V="6")
    with pytest.raises(OSError, match="is a directory"):
        ergon.Config(file=ergon.__path__[0])
    assert ergon.Config().model == "resonant_level"


def test_thermodynamics_of_arrays():
    q = 0.8
    p = (1 - q) * q ** np.arange(400)
    t = ergon.thermodynamics(p, 0.2, 0.2 / np.log(1 / q))
    assert t["nbar"] == pytest.approx(q / (1 - q))
    assert t["g2"] == pytest.approx(2.0)
    assert t["ergotropy"] < 1e-12 and t["free_energy_work"] < 1e-12


@pytest.mark.parametrize("script,args", [("coefficients_plot.py", []), ("steady_state.py", ["6"]),
                                         ("sweep.py", ["5"]), ("qutip_states.py", [])])
def test_examples_run(tmp_path, script, args):
    out = tmp_path / "out.png"
    subprocess.run([sys.executable, os.path.join(SOURCE, "examples", script), *args, str(out)], check=True,
                   capture_output=True, env=dict(os.environ))
    assert out.stat().st_size > 1000


def test_plot_module_renders_a_run(tmp_path):
    run = tmp_path / "fig2_V6"
    subprocess.run([CLI, "steady", "--V", "6", "--method", "averaged", "--set", "phase_space.bins=41", "-o", str(run)],
                   check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "ergon.plot", str(tmp_path)], check=True, capture_output=True,
                   env=dict(os.environ))
    assert (tmp_path / "figures" / "fig2_wigner.png").stat().st_size > 1000


def test_hdf5_results_read_with_h5py(tmp_path):
    """ergon steady/sweep -o FILE.h5: the layout and provenance h5py users see,
    equal to the CLI's JSON numbers, and rendered by the plotting module."""
    h5py = pytest.importorskip("h5py")
    path = tmp_path / "run.h5"
    subprocess.run([CLI, "steady", "--V", "16", "--method", "averaged", "-o", str(path)], check=True,
                   capture_output=True)
    ref = cli_json("steady", "--V", "16", "--method", "averaged")
    with h5py.File(path, "r") as f:
        assert f.attrs["format"] == "ergon-result-1" and f.attrs["complete"] == 1
        assert f.attrs["kind"] == "steady" and f.attrs["git_commit"] == ergon.git_commit
        assert "[lead.L]" in f.attrs["config_toml"] and "mu = 16" in f.attrs["config_toml"]
        assert json.loads(f.attrs["metadata"])["provenance"]["seed"] == f.attrs["seed"]
        assert f["summary"].attrs["energy"] == ref["energy"]
        W = f["wigner/W"][()]
        assert W.shape == (f["wigner/re_alpha"].size, f["wigner/im_alpha"].size)
        h = f["wigner/re_alpha"][1] - f["wigner/re_alpha"][0]
        assert W.sum() * h * h == pytest.approx(1.0, abs=2e-3)
        assert f["populations/p_n"][()].sum() == pytest.approx(ref["trace"], rel=1e-12)
        assert f["coefficients/D"].shape == f["coefficients/x_over_x0"].shape
        assert f["wigner/W"].fletcher32
    sweep = tmp_path / "sweep.h5"
    subprocess.run([CLI, "sweep", "--method", "averaged", "--V", "0,16", "-o", str(sweep)], check=True,
                   capture_output=True)
    with h5py.File(sweep, "r") as f:
        assert list(f["sweep/V"][()]) == [0.0, 16.0]
        assert f["sweep/energy"][1] == ref["energy"]
        assert sorted(f["points"].keys()) == ["000000", "000001"]
    subprocess.run([sys.executable, "-m", "ergon.plot", str(path), "--out", str(tmp_path / "fig")], check=True,
                   capture_output=True, env=dict(os.environ))
    assert (tmp_path / "fig" / "run_steady.png").stat().st_size > 1000


def test_ctrl_c_interrupts_a_long_run():
    code = "import ergon; ergon.steady(ergon.Config(V=16, settings={'langevin.time': 1e12}), method='langevin')"
    p = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True, env=dict(os.environ))
    time.sleep(2.0)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=30)
    assert p.returncode != 0 and "KeyboardInterrupt" in err


qutip = pytest.importorskip("qutip")


def wigner_on_grid(rho, L=7.0, n=281):
    # qutip's g = 2 makes its coordinates (Re alpha, Im alpha) with int W = 1.
    xs = np.linspace(-L, L, n)
    W = qutip.wigner(rho, xs, xs, g=2)  # W[j, i] at (xs[i], xs[j])
    re, im = np.meshgrid(xs, xs)
    return re.ravel(), im.ravel(), W.ravel()


@pytest.mark.parametrize("name", ["thermal", "coherent", "fock"])
def test_fock_map_and_entropy_against_qutip(name):
    N = 40
    rho = {"thermal": qutip.thermal_dm(N, 1.5), "coherent": qutip.coherent_dm(N, 1.2 - 0.5j),
           "fock": qutip.fock_dm(N, 3)}[name]
    re, im, W = wigner_on_grid(rho)
    a = ergon.analyze_wigner(re, im, W, 0.2, 2.0, 30)
    np.testing.assert_allclose(a["p_n"][:31], np.real(rho.diag())[:31], atol=2e-4)
    # Thermodynamics of the exact populations against QuTiP.
    t = ergon.density_thermodynamics(rho.full(), 0.2, 2.0)
    assert t["entropy"] == pytest.approx(qutip.entropy_vn(rho), abs=1e-9)
    assert t["nbar"] == pytest.approx(qutip.expect(qutip.num(N), rho), abs=1e-9)
    assert a["entropy"] == pytest.approx(qutip.entropy_vn(rho), abs=2e-3)


def test_radial_map_against_qutip_thermal():
    # Rotationally symmetric: P_y(y) = pi W(sqrt(y)).
    rho = qutip.thermal_dm(120, 4.0)
    y = np.linspace(0, 120, 2401)
    W = qutip.wigner(rho, np.sqrt(y), np.array([0.0]), g=2)[0]
    r = ergon.populations_from_radial(y, np.pi * W)
    np.testing.assert_allclose(r["p_n"][:60], np.real(rho.diag())[:60], atol=1e-6)


def test_plot_renders_a_steady_and_a_sweep_directory(tmp_path):
    # python3 -m ergon.plot DIR on the outputs of `ergon steady -o` and
    # `ergon sweep -o` (issue 20, item 21: "no ergon results found").
    import ergon.plot
    steady, sweep = tmp_path / "st", tmp_path / "sw"
    subprocess.run([CLI, "steady", "--V", "6", "--method", "averaged", "--set", "phase_space.bins=21", "-o",
                    str(steady)], check=True, capture_output=True)
    subprocess.run([CLI, "sweep", "--V", "0:8:3", "--method", "averaged", "-o", str(sweep)], check=True,
                   capture_output=True)
    assert ergon.plot.main([str(steady)]) == 0
    assert ergon.plot.main([str(sweep)]) == 0
    assert (steady / "figures" / "st_steady.png").stat().st_size > 1000
    assert (sweep / "figures" / "sw_sweep.png").stat().st_size > 1000


def test_thermodynamics_refuses_what_is_not_a_state():
    # One rule with the CLI (issue 20, items 12 and 13).
    with pytest.raises(ValueError, match="sum to 1.1"):
        ergon.thermodynamics(np.array([0.5, 0.6]), 0.2, 2.0)
    with pytest.raises(ValueError, match="cannot be negative"):
        ergon.thermodynamics(np.array([1.5, -0.5]), 0.2, 2.0)
    with pytest.raises(ValueError, match="w0"):
        ergon.thermodynamics(np.array([1.0]), 0.0, 2.0)
    with pytest.raises(ValueError, match="temperature"):
        ergon.thermodynamics(np.array([1.0]), 0.2, float("inf"))
    with pytest.raises(ValueError, match="not Hermitian"):
        ergon.density_thermodynamics(np.array([[0.5, 0.1], [0.3, 0.5]], dtype=complex), 0.2, 2.0)
    # T -> 0: W_F -> U, finite (it was inf at T = 1e-320).
    p = np.array([0.2, 0.3, 0.5])
    t = ergon.thermodynamics(p, 0.2, 1e-320)
    assert np.isfinite(t["free_energy_work"])
    assert t["free_energy_work"] == pytest.approx(t["energy"], rel=1e-12)
    with pytest.raises(ValueError, match="not a finite number"):
        ergon.coefficients(ergon.Config(), np.array([0.0, np.nan, 1.0]))
    with pytest.raises(ValueError, match="threads = -1"):
        ergon.coefficients(ergon.Config(), np.array([0.0]), threads=-1)


def test_ctrl_c_interrupts_coefficients():
    # A long coefficient table stops on Ctrl-C (issue 20, item 4).
    code = "import ergon, numpy; ergon.coefficients(ergon.Config(), numpy.linspace(0, 1, 3000000))"
    p = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True, env=dict(os.environ))
    time.sleep(2.0)
    start = time.time()
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=30)
    assert p.returncode != 0 and "KeyboardInterrupt" in err
    assert time.time() - start < 10


def test_sequential_dot_and_mechanical_bath_from_python():
    # The interacting dot and the bath through the same keys as the CLI: the
    # U = infinity current at large bias (wide band) and the averaged
    # solver's numbers equal to the command line's.
    seq = {"electronic.model": "sequential", "electronic.spin": True, "electronic.max_electrons": 1,
           "lead.L.type": "wideband", "lead.R.type": "wideband", "lead.L.Gamma": 0.01, "lead.R.Gamma": 0.03}
    r = ergon.coefficients(ergon.Config(V=80, settings=seq), np.array([0.0]))
    assert r["current"][0] == pytest.approx(2 * 0.01 * 0.03 / (2 * 0.01 + 0.03), rel=1e-12)
    dot = {"electronic.model": "sequential", "oscillator.w0": 0.002, "oscillator.lambda": 0.03,
           "lead.L.Gamma": 0.05, "lead.R.Gamma": 0.05, "oscillator.quality": 1e4, "oscillator.phonon_temperature": 0.5}
    s = ergon.steady(ergon.Config(V=3, settings=dot), method="averaged")["summary"]
    args = [a for k, v in dot.items() for a in ("--set", f"{k}={v}")]
    c = cli_json("steady", "--V", "3", "--method", "averaged", *args)
    for key in ("energy", "ergotropy", "current"):
        assert s[key] == pytest.approx(c[key], rel=1e-12), key
