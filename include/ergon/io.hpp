// Edge: every result-file format, one header each under ergon/io/. Numerical
// kernels never call this module; commands do.
//   files.hpp         atomic writes, output directories, the output lock
//   csv.hpp           CSV tables (writer with trailer, strict reader)
//   provenance.hpp    the provenance record of every output
//   steady_files.hpp  summary.json, wigner.csv, radial.csv, populations.csv
//   sweep_files.hpp   sweep.csv, sweep.json, checkpoints
//   hdf5.hpp          HDF5 result files
#pragma once

#include "ergon/io/csv.hpp"
#include "ergon/io/files.hpp"
#include "ergon/io/hdf5.hpp"
#include "ergon/io/provenance.hpp"
#include "ergon/io/steady_files.hpp"
#include "ergon/io/sweep_files.hpp"
