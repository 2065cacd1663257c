"""States in, results out, as physicists keep them.

``analyze`` takes a state as it comes (a QuTiP ``Qobj``, a NumPy density
matrix, a population vector, or a Wigner matrix on axis vectors) and returns
its thermodynamics; ``load`` reads any ergon output (CSV, JSON, HDF5, or a
result directory) back as NumPy arrays with its configuration and
provenance. Only NumPy is needed (h5py for HDF5 files, QuTiP for ``Qobj``).
"""

import json
import math
import os
import tomllib

import numpy as np

__all__ = ["analyze", "load"]


def _core():
    from . import _ergon  # the compiled core

    return _ergon


def _device(config, w0, temperature):
    """w0 and the reference temperature: explicit values win over config."""
    core = _core()
    if config is None and (w0 is None or temperature is None):
        config = core.Config()
    if w0 is None:
        w0 = config["oscillator.w0"]
    if temperature is None:
        temperature = core.reference_temperature(config)
    return float(w0), float(temperature)


def _is_qobj(state):
    return type(state).__name__ == "Qobj" and hasattr(state, "full") and hasattr(state, "isket")


def analyze(state, *, xvec=None, yvec=None, w0=None, temperature=None, config=None, convention="ergon",
            g=math.sqrt(2.0), n_max=0):
    """Thermodynamics of a battery state given as

    * a ``qutip.Qobj``: a ket (|psi><psi| is analysed) or a density matrix;
    * a square complex (or real) NumPy matrix: rho_mn in the Fock basis;
    * a one-dimensional array: Fock populations p_n;
    * a matrix W[i, j] at (xvec[j], yvec[i]) with ``xvec`` and ``yvec`` given:
      a Wigner function, as ``qutip.wigner(rho, xvec, yvec)`` returns it, in
      ergon's phase space (alpha = x/x0 + i p/p0, int W d^2alpha = 1) or, with
      ``convention='qutip'``, QuTiP's (alpha = g (x + i y)/2, int W dx dy = 1).

    w0 and the reference temperature of W_F come from the arguments, else from
    ``config`` (an ``ergon.Config``), else from the paper's defaults. Returns a
    dict: nbar, energy, entropy, g2, mandel_q, ergotropy with its
    incoherent_ergotropy and coherent_ergotropy parts, free_energy_work,
    max_coherence, p_n and the input's diagnostics (trace, negative_weight).
    """
    core = _core()
    w0, temperature = _device(config, w0, temperature)
    if xvec is None and (convention != "ergon" or g != math.sqrt(2.0)):
        raise ValueError("convention and g are the phase space of a Wigner matrix: give it with xvec and yvec")
    if _is_qobj(state):
        rho = state.full()
        if state.isket:
            rho = np.outer(rho[:, 0], rho[:, 0].conj())
        elif state.isbra:
            rho = np.outer(rho[0, :].conj(), rho[0, :])
        elif not state.isoper:
            raise ValueError("a Qobj state must be a ket, a bra or a density matrix (operator)")
        return core.analyze_density_matrix(np.ascontiguousarray(rho, dtype=complex), w0, temperature)
    if (xvec is None) != (yvec is None):
        raise ValueError("a Wigner matrix needs both axes: xvec (its columns) and yvec (its rows)")
    a = np.asarray(state)
    if not np.issubdtype(a.dtype, np.number):
        raise ValueError(f"the state must be numeric, not an array of {a.dtype}")
    if xvec is not None:
        if np.iscomplexobj(a):
            raise ValueError("a Wigner function is real; got a complex matrix")
        return core.analyze_wigner_matrix(np.asarray(xvec, dtype=float), np.asarray(yvec, dtype=float),
                                          np.asarray(a, dtype=float), w0, temperature, convention, float(g),
                                          int(n_max))
    if a.ndim == 1:
        if np.iscomplexobj(a):
            raise ValueError("populations are real numbers; got a complex vector (a ket? pass a qutip.Qobj)")
        return core.analyze_populations(a.astype(float), w0, temperature)
    if a.ndim == 2:
        return core.analyze_density_matrix(np.ascontiguousarray(a, dtype=complex), w0, temperature)
    raise ValueError(f"the state must be a vector (populations) or a matrix, not an array of shape {a.shape}")


# ---------------------------------------------------------------- load

def _arrays(obj):
    """JSON values with lists of numbers as NumPy arrays."""
    if isinstance(obj, dict):
        return {k: _arrays(v) for k, v in obj.items()}
    if isinstance(obj, list):
        if obj and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in obj):
            return np.asarray(obj, dtype=float)
        return [_arrays(v) for v in obj]
    return obj


def _read_csv(path):
    """An ergon CSV table: its columns as arrays and the version line.

    A file written by ergon must end with its trailer and hold that many rows
    (a truncated file is refused, as ergon's own readers do)."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    marker, trailer, header, rows = None, None, None, []
    for number, line in enumerate(lines, 1):
        s = line.strip()
        if not s:
            continue
        if s.startswith("# ergon ") and header is None:
            marker = s[len("# ergon "):]
            continue
        if s.startswith("# complete: "):
            trailer = int(s.split()[2])
            continue
        if s.startswith("#"):
            continue
        fields = [v.strip() for v in s.split(",")]
        if header is None:
            header = fields
            continue
        if len(fields) != len(header):
            raise ValueError(f"{path}:{number}: expected {len(header)} values, found {len(fields)}")
        try:
            rows.append([float(v) for v in fields])
        except ValueError:
            raise ValueError(f"{path}:{number}: a value is not a number: {s[:80]}") from None
    if header is None:
        raise ValueError(f"{path}: no header row (not a CSV table)")
    if marker is not None and trailer != len(rows):
        raise ValueError(f"{path}: written by ergon but {'without its trailer' if trailer is None else f'with {len(rows)} of {trailer} rows'}: truncated")
    data = np.asarray(rows, dtype=float).reshape(len(rows), len(header))
    table = {name: data[:, k].copy() for k, name in enumerate(header)}
    version, commit = None, None
    if marker:
        version, _, rest = marker.partition(" ")
        commit = rest.strip("()") or None
    return table, version, commit


def _config_of(provenance):
    if not provenance:
        return {}
    if isinstance(provenance.get("config"), dict):
        return provenance["config"]
    if "config_toml" in provenance:
        return tomllib.loads(provenance["config_toml"])
    return {}


def _load_json(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    return _arrays(doc)


def _sibling_json(path):
    """The JSON written with a CSV file: FILE.json, else summary.json or sweep.json beside it."""
    stem = os.path.splitext(path)[0]
    folder = os.path.dirname(os.path.abspath(path))
    for candidate in (stem + ".json", path + ".json", os.path.join(folder, "summary.json"),
                      os.path.join(folder, "sweep.json")):
        if os.path.isfile(candidate) and os.path.abspath(candidate) != os.path.abspath(path):
            return candidate
    return None


def _load_hdf5(path):
    try:
        import h5py
    except ImportError as e:  # pragma: no cover - Debian's python3-h5py is a dependency
        raise ImportError("reading HDF5 files needs h5py (Debian: python3-h5py)") from e

    def value(v):
        if isinstance(v, bytes):
            return v.decode()
        if isinstance(v, np.ndarray) and v.dtype.kind in "SO":
            return [x.decode() if isinstance(x, bytes) else x for x in v.tolist()]
        if isinstance(v, np.generic):
            return v.item()
        return v

    def group(g):
        out = {}
        for k, v in g.items():
            out[k] = group(v) if isinstance(v, h5py.Group) else v[()]
        for k, v in g.attrs.items():
            if k not in out:
                out[k] = value(v)
        return out

    with h5py.File(path, "r") as f:
        attrs = {k: value(v) for k, v in f.attrs.items()}
        data = {k: (group(v) if isinstance(v, h5py.Group) else v[()]) for k, v in f.items()}
    if attrs.get("complete") in (0, False):
        raise ValueError(f"{path}: the file is not complete (its run did not finish)")
    provenance = dict(attrs)
    if isinstance(attrs.get("metadata"), str):
        try:
            provenance["metadata"] = json.loads(attrs["metadata"])
        except json.JSONDecodeError:
            pass
    data["config"] = _config_of(provenance)
    data["provenance"] = provenance
    return data


def load(path):
    """Read any ergon output back: a CSV table, a JSON summary, an HDF5 file,
    or a result directory (every CSV table in it and its summary; result
    directories inside it, as `ergon reproduce` writes them, as nested dicts).

    Returns a dict: tables by name (each a dict of NumPy arrays, one per
    column; an HDF5 file's groups likewise), 'summary' (the JSON document,
    lists of numbers as arrays), 'config' (the effective configuration as a
    nested dict) and 'provenance' (version, git commit, seed, command line,
    host, ...). A CSV file's provenance comes from the JSON written beside it.
    """
    path = os.fspath(path)
    if os.path.isdir(path):
        out = {}
        for name in sorted(os.listdir(path)):
            full = os.path.join(path, name)
            if name.endswith(".csv") and os.path.isfile(full):
                out[name[:-4]] = _read_csv(full)[0]
        summary_file = None
        for name in ("summary.json", "sweep.json"):
            if os.path.isfile(os.path.join(path, name)):
                summary_file = os.path.join(path, name)
                break
        # Result directories inside (ergon reproduce -o results: one per figure).
        for name in sorted(os.listdir(path)):
            full = os.path.join(path, name)
            if os.path.isdir(full) and name not in ("checkpoint", "figures") and name not in out:
                try:
                    out[name] = load(full)
                except ValueError:
                    pass
        if summary_file is None and not out:
            raise ValueError(f"{path}: no ergon results (CSV tables or summary.json) in this directory")
        summary = _load_json(summary_file) if summary_file else {}
        out["summary"] = summary
        out["provenance"] = summary.get("provenance", {})
        out["config"] = _config_of(out["provenance"])
        return out
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path}: no such file or directory")
    lower = path.lower()
    if lower.endswith((".h5", ".hdf5")):
        return _load_hdf5(path)
    if lower.endswith(".json"):
        summary = _load_json(path)
        return {"summary": summary, "provenance": summary.get("provenance", {}),
                "config": _config_of(summary.get("provenance", {}))}
    with open(path, "rb") as f:
        head = f.read(8)
    if head.startswith(b"\x89HDF"):
        return _load_hdf5(path)
    table, version, commit = _read_csv(path)
    name = os.path.splitext(os.path.basename(path))[0]
    sibling = _sibling_json(path)
    summary = _load_json(sibling) if sibling else {}
    provenance = dict(summary.get("provenance", {}))
    if version and "ergon_version" not in provenance:
        provenance["ergon_version"] = version
    if commit and "git_commit" not in provenance:
        provenance["git_commit"] = commit
    return {name: table, "summary": summary, "provenance": provenance, "config": _config_of(provenance)}


def qutip_heom_model(config, fock, *, eps, w0, lam):
    """The HEOM problem ergon solves (`method="heom"`), as QuTiP describes it: the
    Hamiltonian eps n + w0 a^dag a - lam (a + a^dag)(n - N0) on dot x oscillator
    (Fock cut-off `fock`) and one ``FermionicBath`` per lead from ergon's own
    exponents (``heom_exponents``). eps, w0 and lam must be the configuration's.
    Returns (H, [bath_L, bath_R]) for ``qutip.nonmarkov.bofin_solvers.HEOMSolver``."""
    import qutip
    from qutip.nonmarkov.bofin_baths import FermionicBath

    from . import coefficients, heom_exponents

    ex = heom_exponents(config)
    N0 = coefficients(config, [0.0])["N0"]
    d = qutip.tensor(qutip.destroy(2), qutip.qeye(fock))
    a = qutip.tensor(qutip.qeye(2), qutip.destroy(fock))
    nd = d.dag() * d
    H = eps * nd + w0 * a.dag() * a - lam * (a + a.dag()) * (nd - N0)
    baths = []
    for lead in (0, 1):
        plus = (ex["lead"] == lead) & (ex["sign"] > 0)
        minus = (ex["lead"] == lead) & (ex["sign"] < 0)
        baths.append(FermionicBath(d, list(ex["c"][plus]), list(ex["nu"][plus]), list(ex["c"][minus]),
                                   list(ex["nu"][minus])))
    return H, baths
