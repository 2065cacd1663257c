#!/usr/bin/env bash
# Installs exactly the Debian 12 packages ergon needs to build, test and plot.
# Idempotent: packages already present are left as they are.
# --ci adds what .ci/run's extra builds need: Open MPI (ERGON_WITH_MPI) and
# clang with its sanitizer and libFuzzer runtimes.
set -euo pipefail

packages=(
  cmake g++ make pkg-config git ca-certificates
  libboost-dev libeigen3-dev libfmt-dev libtomlplusplus-dev libcli11-dev nlohmann-json3-dev librandom123-dev
  libxsimd-dev libgtest-dev libbenchmark-dev
  libhdf5-dev libzip-dev
  python3 python3-dev pybind11-dev python3-numpy python3-matplotlib python3-pytest python3-qutip python3-h5py
  python3-setuptools python3-wheel python3-venv python3-pip python3-build
)
if [ "${1:-}" = "--ci" ]; then
  packages+=(libopenmpi-dev openmpi-bin clang libclang-rt-14-dev)
elif [ $# -gt 0 ]; then
  echo "install-deps: unknown option '$1' (allowed: --ci)" >&2
  exit 2
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y --no-install-recommends "${missing[@]}"
