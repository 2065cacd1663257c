"""The performance comparison of issues 6 and 18, in one run on one machine,
with the CPU model and instruction sets printed with the table.

Baselines: `naive` (bench/naive.cpp: one trajectory, explicit Euler, mt19937_64,
std::normal_distribution, linear interpolation) and `numpy` (bench/numpy_euler.py:
a vectorised NumPy ensemble of the same scheme). ergon: the engine's kernels
(Google Benchmark, one core) and the whole sampler on all cores.
"""
import json
import os
import subprocess
import sys
import tempfile

build = sys.argv[1]
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ergon = os.path.join(build, "bin", "ergon")
cores = os.cpu_count()


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


def best_of(n, fn):
    return min(fn() for _ in range(n))


def naive():
    out = run([os.path.join(build, "bin", "bench_naive"), "30000000", "16"])
    return float(out.split()[1])


def numpy_ns(table):
    # The ensemble size that suits NumPy best on this machine (arrays in cache
    # versus per-call overhead).
    best = float("inf")
    for M, steps in ((4096, 400), (16384, 200), (65536, 60), (262144, 20)):
        out = run(["/usr/bin/python3", os.path.join(root, "bench", "numpy_euler.py"), table, str(M), str(steps)])
        best = min(best, float(out.split()[1]))
    return best


def cpu_model():
    """The CPU model and the instruction sets the kernels can use."""
    model, flags = "unknown CPU", set()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name") and model == "unknown CPU":
                    model = line.split(":", 1)[1].strip()
                elif line.startswith("flags") and not flags:
                    flags = set(line.split(":", 1)[1].split())
    except OSError:
        pass
    sets = [s for s, flag in (("avx512", "avx512f"), ("avx2", "avx2"), ("sse2", "sse2")) if flag in flags]
    return model, sets


def kernels(extra=()):
    """ns/step of every engine kernel this CPU runs (instruction sets it lacks are skipped)."""
    out = run([os.path.join(build, "bin", "bench_engine"), "--benchmark_format=json", "--benchmark_repetitions=3",
               "--benchmark_report_aggregates_only=true", *extra])
    rows = {}
    for b in json.loads(out)["benchmarks"]:
        if b.get("error_occurred") or "ns_per_step" not in b:
            continue
        if b.get("aggregate_name") == "median":
            rows[b["run_name"].replace("BM_Engine/", "")] = b["ns_per_step"] * 1e9  # reported in seconds
    return rows


def loaded_kernel(key):
    """The kernel with every core busy: one single-threaded benchmark per core at
    once (cores of a VM or SMT siblings share execution units, so the per-core
    rate with all cores running is what the whole sampler can reach)."""
    cmd = [os.path.join(build, "bin", "bench_engine"), "--benchmark_format=json", "--benchmark_repetitions=3",
           "--benchmark_report_aggregates_only=true", "--benchmark_filter=BM_Engine/%s$" % key]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True) for _ in range(cores)]
    values = []
    for p in procs:
        out, _ = p.communicate()
        for b in json.loads(out)["benchmarks"]:
            if b.get("aggregate_name") == "median":
                values.append(b["ns_per_step"] * 1e9)
    return sum(values) / len(values)


def steady(extra):
    out = run([ergon, "steady", "--V", "16", "--json"] + extra)
    return json.loads(out)


with tempfile.TemporaryDirectory() as tmp:
    table = os.path.join(tmp, "table.csv")
    run([ergon, "coefficients", "--V", "16", "--x-range", "-60:60:4001", "-o", table])
    print("measuring baselines ...", file=sys.stderr)
    t_naive = best_of(3, naive)
    t_numpy = best_of(3, lambda: numpy_ns(table))
print("measuring ergon ...", file=sys.stderr)
model, sets = cpu_model()
best = sets[0] if sets else "sse2"  # what ergon's run-time dispatch picks
k = kernels()
k_loaded = loaded_kernel("splitting_" + best)
full = steady(["--time", "4e8"])
full3 = steady(["--time", "4e8", "--set", "langevin.noise=three_point"])

rows = [
    ("naive C++ (Euler, mt19937_64, 1 trajectory)", t_naive, 1.0 / (t_naive * 1e-9)),
    ("NumPy ensemble (Euler, best of 4k-256k trajectories)", t_numpy, 1.0 / (t_numpy * 1e-9)),
]
names = (("splitting", "splitting, Gaussian (default)"), ("splitting_three_point", "splitting, three-point noise"),
         ("euler", "euler (the paper's scheme)"))
for isa in sets:
    for key, name in names:
        if "%s_%s" % (key, isa) in k:
            ns = k["%s_%s" % (key, isa)]
            rows.append(("ergon %s, %s kernel" % (name, isa.upper()), ns, cores / (ns * 1e-9)))
print()
print("CPU: %s; instruction sets: %s (ergon uses %s); %d cores" % (model, ", ".join(sets) or "none", best, cores))
print()
print("| implementation | ns/step/core | steps/s (all %d cores) | x naive | x numpy |" % cores)
print("|---|---|---|---|---|")
for name, ns, sps in rows:
    print("| %s | %.3f | %.3g | %.1f | %.1f |" % (name, ns, sps, t_naive / ns, t_numpy / ns))
print("\nkernel splitting_%s with all %d cores busy (one benchmark per core at once): %.3f ns/step/core"
      % (best, cores, k_loaded))
for label, s in (("default (Gaussian)", full), ("three-point noise", full3)):
    per_core = cores / s["steps_per_second"] * 1e9
    print("whole sampler at V = 16, %s: %.3g steps in %.2f s on %d cores = %.3g steps/s, %.3f ns/step/core"
          % (label, s["steps"], s["wall_seconds"], cores, s["steps_per_second"], per_core)
          + (" (%.2f x the loaded kernel)" % (per_core / k_loaded) if label.startswith("default") else ""))

# Wall time to a 1 % standard error on U at V = 16.
print("\nwall time to a 1 % standard error on the battery energy at V = 16:")
base = steady([])  # default budget
# Sampled time for 1 %, with a 20 % margin for the scatter of the error estimate.
need = 1.2 * base["time"] * (100 * base["energy_stderr"] / base["energy"]) ** 2
target = steady(["--time", "%.3g" % need])
target3 = steady(["--time", "%.3g" % need, "--set", "langevin.noise=three_point"])
print("  ergon default: --time %.3g gives U = %.4g +- %.2g (%.2f %%) in %.2f s"
      % (need, target["energy"], target["energy_stderr"], 100 * target["energy_stderr"] / target["energy"],
         target["wall_seconds"]))
print("  ergon three-point noise: %.2f s (U = %.4g +- %.2g)" % (target3["wall_seconds"], target3["energy"],
                                                                 target3["energy_stderr"]))
# The paper's explicit Euler needs dt ~ 2.8e-5 for its bias to stay below 1 % at
# V = 16 (docs/validation.md: +3.5 % at dt = 1e-4, first order in dt).
dt_euler = 2.8e-5
steps = need / dt_euler
for name, ns, per in (("ergon's euler kernel (%s)" % best.upper(), k["euler_" + best], cores),
                      ("naive C++", t_naive, 1), ("NumPy", t_numpy, 1)):
    print("  explicit Euler at dt = %.1e (%.2g steps) with %s: %.3g s (estimated from the measured ns/step)"
          % (dt_euler, steps, name, steps * ns * 1e-9 / per))

# Memory: constant in the number of steps (histograms and batch sums only).
for steps_time in ("2.5e7", "2.5e8"):
    out = subprocess.run(["/usr/bin/time", "-f", "%M", ergon, "steady", "--V", "16", "--time", steps_time, "--json"],
                         check=True, capture_output=True, text=True)
    s = json.loads(out.stdout)
    print("peak RSS with %.3g steps: %s KiB" % (s["steps"], out.stderr.strip().splitlines()[-1]))
