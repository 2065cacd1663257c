// The edge readers of NumPy arrays and text matrices (ergon/io/arrays.hpp):
// exact values for every supported layout, and a message naming the problem
// for each malformed input. (NumPy-written files are read in the Python
// tests, python/tests/test_interchange.py.)
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <complex>
#include <cstdint>
#include <cstring>
#include <string>

#include "ergon/errors.hpp"
#include "ergon/io/arrays.hpp"
#include "error_message.hpp"

namespace {

// A .npy file as numpy.save writes it: magic, version, header length, the
// header dict padded with spaces to a multiple of 64 bytes, '\n', the data.
std::string npy(const std::string& dict, const std::string& data, int major = 1) {
  const std::size_t prefix = major == 1 ? 10 : 12;
  std::string header = dict;
  while ((prefix + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string out = "\x93NUMPY";
  out += static_cast<char>(major);
  out += '\0';
  const std::size_t n = header.size();
  out += static_cast<char>(n & 0xff);
  out += static_cast<char>((n >> 8) & 0xff);
  if (major != 1) {
    out += static_cast<char>((n >> 16) & 0xff);
    out += static_cast<char>((n >> 24) & 0xff);
  }
  return out + header + data;
}

template <class T>
std::string bytes_of(std::initializer_list<T> values) {
  std::string out;
  for (T v : values) out.append(reinterpret_cast<const char*>(&v), sizeof(T));
  return out;
}

using ergon::testing::error_message;

TEST(Arrays, NpyFloat64MatrixInCAndFortranOrder) {
  const auto data = bytes_of<double>({1, 2, 3, 4, 5, 6});
  const auto c = ergon::parse_npy(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", data), "c.npy");
  ASSERT_EQ(c.shape, (std::vector<std::size_t>{2, 3}));
  EXPECT_EQ(c.real, (std::vector<double>{1, 2, 3, 4, 5, 6}));
  EXPECT_FALSE(c.is_complex());
  // Fortran order: memory holds column after column, (0,0) (1,0) (0,1) ...
  const auto f = ergon::parse_npy(npy("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }", data), "f.npy");
  EXPECT_EQ(f.real, (std::vector<double>{1, 3, 5, 2, 4, 6}));
  EXPECT_EQ(f.at(1, 0).real(), 2.0);
}

TEST(Arrays, NpyOtherTypesAndVersions) {
  const auto z = ergon::parse_npy(
      npy("{'descr': '<c16', 'fortran_order': False, 'shape': (2,), }", bytes_of<double>({0.5, -0.25, 1e-300, 3})),
      "z.npy");
  ASSERT_TRUE(z.is_complex());
  EXPECT_EQ(z.at(0, 0), std::complex<double>(0.5, -0.25));
  EXPECT_EQ(z.at(1, 0), std::complex<double>(1e-300, 3));
  const auto s = ergon::parse_npy(
      npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", bytes_of<float>({0.5f, 0.25f, 0.125f}), 2),
      "s.npy");
  EXPECT_EQ(s.real, (std::vector<double>{0.5, 0.25, 0.125}));
  const auto i = ergon::parse_npy(
      npy("{'descr': '<i8', 'fortran_order': False, 'shape': (1, 2), }", bytes_of<std::int64_t>({-3, 7})), "i.npy");
  EXPECT_EQ(i.real, (std::vector<double>{-3, 7}));
  const auto c8 = ergon::parse_npy(
      npy("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", bytes_of<float>({1.5f, -2.0f})), "c8.npy");
  EXPECT_EQ(c8.at(0, 0), std::complex<double>(1.5, -2.0));
}

TEST(Arrays, MalformedNpyIsRefusedNamingTheProblem) {
  const auto d6 = bytes_of<double>({1, 2, 3, 4, 5, 6});
  const auto with_nan = bytes_of<double>({1.0, std::nan("")});
  auto header = [](const char* descr, const char* shape) {
    return fmt::format("{{'descr': {}, 'fortran_order': False, 'shape': {}, }}", descr, shape);
  };
  struct Case {
    std::string bytes, expected;
  };
  const std::vector<Case> cases = {
      {"PK\x03\x04 not numpy", "bad.npy: not a NumPy .npy file"},
      {npy(header("'>f8'", "(6,)"), d6), "dtype '>f8' is not little-endian"},
      {npy(header("'<f8'", "(1, 2, 3)"), d6), "rank 3"},
      {npy(header("'<f8'", "(2, 4)"), d6), "holds 48 bytes of data where its shape and dtype need 64"},
      {npy(header("'<U3'", "(2,)"), d6), "dtype '<U3' is not supported"},
      {npy(header("[('a', '<f8')]", "(2,)"), d6), "structured"},
      {npy(header("'<f8'", "(0,)"), ""), "empty"},
      {npy(header("'<f8'", "(2, 1)"), with_nan), "element [1, 0] is not finite"},
      {npy(header("'<f8'", "(6,)"), d6).substr(0, 40), "truncated .npy header"},  // header beyond the file
  };
  for (const auto& c : cases)
    EXPECT_NE(error_message([&] { ergon::parse_npy(c.bytes, "bad.npy"); }).find(c.expected), std::string::npos)
        << c.expected;
}

TEST(Arrays, TextMatrixRealAndComplexEntries) {
  std::vector<std::string> comments;
  // numpy.savetxt of a complex matrix, then a comma-separated real one.
  const auto z = ergon::parse_text_matrix("# xvec -1:1:3\n (1.0e+00+2.5e-01j) (-3.0e-02-1.0e+00j)\n(2j) (4.5e+00+0j)\n",
                                          "z.txt", &comments);
  ASSERT_EQ(z.shape, (std::vector<std::size_t>{2, 2}));
  ASSERT_TRUE(z.is_complex());
  EXPECT_EQ(z.at(0, 0), std::complex<double>(1.0, 0.25));
  EXPECT_EQ(z.at(0, 1), std::complex<double>(-0.03, -1.0));
  EXPECT_EQ(z.at(1, 0), std::complex<double>(0, 2));
  EXPECT_EQ(z.at(1, 1), std::complex<double>(4.5, 0));
  ASSERT_EQ(comments.size(), 1u);
  EXPECT_EQ(comments[0], " xvec -1:1:3");
  const auto r = ergon::parse_text_matrix("1.5, -2e-3,3\n4,5,6\n", "r.csv");
  EXPECT_EQ(r.real, (std::vector<double>{1.5, -2e-3, 3, 4, 5, 6}));
  EXPECT_FALSE(r.is_complex());
  const auto v = ergon::parse_text_matrix("0.25\n0.75\n", "v.txt");
  EXPECT_EQ(v.shape, (std::vector<std::size_t>{2}));
}

TEST(Arrays, MalformedTextMatrixNamesTheLine) {
  EXPECT_NE(error_message([] {
              ergon::parse_text_matrix("1 2 3\n4 5\n", "m.txt");
            }).find("m.txt:2: 2 values where the first row has 3"),
            std::string::npos);
  EXPECT_NE(error_message([] { ergon::parse_text_matrix("1 2\n3 x\n", "m.txt"); }).find("m.txt:2: 'x' is not a real"),
            std::string::npos);
  EXPECT_NE(error_message([] { ergon::parse_text_matrix("1 inf\n", "m.txt"); }).find("m.txt:1: 'inf' is not finite"),
            std::string::npos);
  EXPECT_NE(error_message([] { ergon::parse_text_matrix("# only a comment\n", "m.txt"); }).find("no numbers"),
            std::string::npos);
  EXPECT_NE(
      error_message([] { ergon::parse_text_matrix("(1+j)\n", "m.txt"); }).find("'(1+j)' is not a real or complex"),
      std::string::npos);
  // Real values expected, a complex matrix given.
  const auto z = ergon::parse_text_matrix("(1+1j) 2\n", "z.txt");
  EXPECT_NE(error_message([&] { z.real_values(); }).find("z.txt: complex values"), std::string::npos);
}

}  // namespace
