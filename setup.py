"""pip install . (and python3 -m build --wheel --no-isolation): the Python
package ergon, its compiled core built by the project's own CMake.

setuptools drives CMake: there is no second description of the C++ sources.
The build configures CMake in build-pip/ with the tests, benchmarks and CLI
left out, builds the target _ergon for the running interpreter, and copies it
next to the pure-Python files of python/ergon.

There is deliberately no pyproject.toml: with one, pip builds in an isolated
environment whose build requirements it downloads, which fails offline.
Without it pip uses the setuptools and wheel of the environment it runs in
(Debian's python3-setuptools and python3-wheel, visible in a venv made with
--system-site-packages), so nothing is downloaded.
"""

import os
import re
import shutil
import subprocess
import sys
import sysconfig

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = os.path.dirname(os.path.abspath(__file__))


def project_version():
    with open(os.path.join(ROOT, "CMakeLists.txt"), encoding="utf-8") as f:
        m = re.search(r"project\(ergon VERSION ([0-9.]+)", f.read())
    if not m:
        raise RuntimeError("CMakeLists.txt: no 'project(ergon VERSION x.y.z)' line")
    return m.group(1)


class CMakeExtension(Extension):
    def __init__(self, name):
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        cmake = shutil.which("cmake")
        if cmake is None:
            raise RuntimeError("building ergon needs CMake (Debian: apt-get install cmake; see README.md)")
        build_dir = os.path.join(ROOT, "build-pip", sysconfig.get_platform() + "-" + sys.implementation.cache_tag)
        config = "Debug" if self.debug else "Release"
        subprocess.run(
            [cmake, "-S", ROOT, "-B", build_dir, f"-DCMAKE_BUILD_TYPE={config}", "-DERGON_BUILD_TESTS=OFF",
             "-DERGON_BUILD_BENCH=OFF", "-DERGON_BUILD_PYTHON=ON", f"-DPython_EXECUTABLE={sys.executable}"],
            check=True)
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL") or str(os.cpu_count() or 1)
        subprocess.run([cmake, "--build", build_dir, "--target", "_ergon", "-j", jobs], check=True)
        suffix = sysconfig.get_config_var("EXT_SUFFIX")
        built = os.path.join(build_dir, "python", "ergon", "_ergon" + suffix)
        if not os.path.isfile(built):
            raise RuntimeError(f"CMake did not produce {built}")
        target = self.get_ext_fullpath(ext.name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(built, target)


setup(
    name="ergon",
    version=project_version(),
    description="Extractable work in quantum electromechanics: current-driven nano-electromechanical oscillators",
    long_description=open(os.path.join(ROOT, "README.md"), encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    license="see the repository",
    python_requires=">=3.9",
    packages=["ergon"],
    package_dir={"": "python"},
    ext_modules=[CMakeExtension("ergon._ergon")],
    cmdclass={"build_ext": CMakeBuild},
    install_requires=["numpy"],
    extras_require={"plot": ["matplotlib"], "hdf5": ["h5py"], "qutip": ["qutip"]},
    zip_safe=False,
    options={"build": {"build_base": os.path.join("build-pip", "setuptools")},
             "egg_info": {"egg_base": "build-pip"}},
)
