// Result files: exact serialisation of sweep points, checkpoints, HDF5
// round trips and the detection of incomplete, damaged or foreign files.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "ergon/config.hpp"
#include "ergon/errors.hpp"
#include "ergon/io.hpp"
#include "ergon/steady.hpp"
#include "ergon/sweep.hpp"
#include "error_message.hpp"

namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("ergon-io-test-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

const std::vector<ergon::SweepAxis>& axes() {
  static const std::vector<ergon::SweepAxis> a = {{"V", {0.0, 16.0}}};
  return a;
}

// Two averaged points at V = 0 and 16 (computed once).
const std::vector<ergon::SweepPoint>& points() {
  static const auto p = ergon::run_sweep(ergon::Config{}, axes(), ergon::Method::averaged, {});
  return p;
}

using ergon::testing::error_message;

TEST(SweepRecord, JsonRoundTripIsBitIdentical) {
  for (std::size_t i = 0; i < points().size(); ++i) {
    const auto r = ergon::sweep_record(static_cast<int>(i), points()[i]);
    // Through text, as a checkpoint file or an MPI message carries it.
    const auto back = ergon::record_from_json(nlohmann::json::parse(ergon::record_to_json(r).dump()), "test");
    ASSERT_EQ(back.values.size(), r.values.size());
    for (std::size_t k = 0; k < r.values.size(); ++k) {
      EXPECT_EQ(back.values[k].first, r.values[k].first);
      EXPECT_EQ(std::memcmp(&back.values[k].second, &r.values[k].second, sizeof(double)), 0) << r.values[k].first;
    }
    EXPECT_EQ(back.radial.density, r.radial.density);
    EXPECT_EQ(back.populations.p, r.populations.p);
    EXPECT_EQ(back.gamma0, r.gamma0);
    EXPECT_EQ(back.diagnostics.size(), r.diagnostics.size());
    EXPECT_EQ(ergon::sweep_csv(axes(), {back}), ergon::sweep_csv(axes(), {r}));
  }
  EXPECT_NE(error_message([] { ergon::record_from_json(nlohmann::json::parse("{\"index\": 1}"), "x.json"); }), "");
}

TEST(SweepCheckpoint, SavesLoadsAndRefusesAnotherSweep) {
  const TempDir dir;
  const ergon::Config base;
  const std::string fp = ergon::sweep_fingerprint(base, axes(), "averaged");
  const ergon::SweepCheckpoint ck(dir / "checkpoint", fp, 2);
  EXPECT_FALSE(ck.exists());
  ck.begin("test");
  ck.save(ergon::sweep_record(1, points()[1]));
  ASSERT_TRUE(ck.exists());
  const auto loaded = ck.load();
  ASSERT_EQ(loaded.size(), 1u);
  EXPECT_EQ(loaded.begin()->first, 1);
  EXPECT_EQ(ergon::sweep_csv(axes(), {loaded.at(1)}), ergon::sweep_csv(axes(), {ergon::sweep_record(1, points()[1])}));
  // Another configuration, method or axis is another sweep.
  ergon::Config other = base;
  ergon::set_bias(other.device, 1.0);
  for (const auto& fp2 :
       {ergon::sweep_fingerprint(other, axes(), "averaged"), ergon::sweep_fingerprint(base, axes(), "langevin"),
        ergon::sweep_fingerprint(base, {{"V", {0.0, 16.5}}}, "averaged")}) {
    EXPECT_NE(fp2, fp);
    const ergon::SweepCheckpoint wrong(dir / "checkpoint", fp2, 2);
    EXPECT_NE(error_message([&] { wrong.load(); }).find("holds checkpoints of a different sweep"), std::string::npos);
  }
  ck.remove();
  EXPECT_FALSE(fs::exists(dir / "checkpoint"));
}

TEST(Hdf5, SteadyRoundTripAndDamageDetection) {
  if (!ergon::hdf5_available()) GTEST_SKIP() << "built without HDF5";
  const TempDir dir;
  ergon::Config config;
  ergon::set_bias(config.device, 6.0);
  const ergon::SteadyState s = ergon::solve_steady_state(config, ergon::Method::averaged, {});
  ergon::CsvData coeffs;
  coeffs.names = {"x_over_x0", "D"};
  coeffs.columns = {{-1, 0, 1}, {2e-3, 1e-3, 2e-3}};
  const std::string path = dir / "run.h5";
  ergon::write_steady_hdf5(path, s, ergon::summary_json(s, "test"), coeffs);
  // Only the final name exists: the temporary was renamed.
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir.path)) files += e.is_regular_file();
  EXPECT_EQ(files, 1);
  const auto pops = ergon::read_hdf5_table(path, "populations");
  EXPECT_EQ(pops.column("p_n", path), s.populations.p);
  const auto wig = ergon::read_hdf5_table(path, "wigner");
  ASSERT_EQ(wig.rows(), static_cast<std::size_t>(s.wigner.bins * s.wigner.bins));
  EXPECT_EQ(wig.column("W", path)[5], s.wigner.at(0, 5));
  EXPECT_EQ(wig.column("im_alpha", path)[5], s.wigner.centre(5));
  EXPECT_EQ(ergon::read_hdf5_table(path, "coefficients").names, coeffs.names);  // creation order kept
  EXPECT_EQ(ergon::read_hdf5_metadata(path).at("provenance").at("command_line"), "test");

  // Truncation, a flipped byte in the data, and foreign files are refused.
  const std::string bytes = ergon::read_file(path);
  auto write = [&](const std::string& name, const std::string& content) {
    std::ofstream(dir / name, std::ios::binary) << content;
    return dir / name;
  };
  const std::string truncated = write("truncated.h5", bytes.substr(0, bytes.size() / 2));
  EXPECT_NE(error_message([&] { ergon::read_hdf5_table(truncated, "wigner"); }).find("not a complete ergon result"),
            std::string::npos);
  // W is the largest dataset: a byte near the file's middle lies in its chunk.
  std::string flipped = bytes;
  const auto W_values = s.wigner.density;
  const double probe = W_values[W_values.size() / 2];
  const auto at = flipped.find(std::string(reinterpret_cast<const char*>(&probe), sizeof probe));
  ASSERT_NE(at, std::string::npos);
  flipped[at + 3] = static_cast<char>(flipped[at + 3] ^ 0x10);
  const std::string damaged = write("damaged.h5", flipped);
  EXPECT_NE(error_message([&] { ergon::read_hdf5_table(damaged, "wigner"); }).find("checksum"), std::string::npos);
  const std::string foreign = write("foreign.h5", "not hdf5 at all");
  EXPECT_NE(error_message([&] { ergon::read_hdf5_table(foreign, "wigner"); }).find("not an HDF5 file"),
            std::string::npos);
  EXPECT_NE(error_message([&] { ergon::read_hdf5_table(path, "nonsense"); }).find("no group 'nonsense'"),
            std::string::npos);
}

TEST(Hdf5, SweepFileHoldsTheTableAndEveryPoint) {
  if (!ergon::hdf5_available()) GTEST_SKIP() << "built without HDF5";
  const TempDir dir;
  const auto records = ergon::sweep_records(points());
  const std::string path = dir / "sweep.h5";
  ergon::write_sweep_hdf5(path, axes(), records,
                          ergon::sweep_json(axes(), records, ergon::Config{}, "averaged", 1.0, "test"));
  const auto table = ergon::read_hdf5_table(path, "sweep");
  const auto csv = ergon::parse_csv(ergon::sweep_csv(axes(), records), "sweep.csv");
  EXPECT_EQ(table.names, csv.names);
  EXPECT_EQ(table.columns, csv.columns);
  EXPECT_EQ(ergon::read_hdf5_table(path, "points/000001/populations").column("p_n", path),
            points()[1].state.populations.p);
}

TEST(Csv, NaNIsNeverWritten) {
  ergon::CsvTable t({"a"});
  EXPECT_THROW(t.add_row({std::nan("")}), ergon::Error);
}

}  // namespace
