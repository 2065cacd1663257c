// Edge: numeric arrays as physicists keep them: NumPy's .npy and .npz files
// (numpy.save, numpy.savez, numpy.savez_compressed) and plain text matrices
// (numpy.savetxt: whitespace- or comma-separated rows, '#' comments, complex
// entries written as numpy writes them, "(1.5+0.25j)"). Every reader refuses
// malformed input with an ergon::Error naming the file (and the array or
// line) and what is expected; no value that is not finite is ever returned.
#pragma once

#include <complex>
#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace ergon {

// A real or complex array of rank 1 or 2 in C (row-major) order.
struct NumericArray {
  std::string origin;              // "file.npy", "file.npz:W", "file.txt" (for messages)
  std::vector<std::size_t> shape;  // rank 1 or 2
  std::vector<double> real;        // real parts, C order
  std::vector<double> imag;        // imaginary parts; empty for real data
  bool is_complex() const { return !imag.empty(); }
  std::size_t rows() const { return shape.empty() ? 0 : shape[0]; }
  std::size_t cols() const { return shape.size() < 2 ? 1 : shape[1]; }
  std::size_t size() const { return real.size(); }
  std::complex<double> at(std::size_t i, std::size_t j) const;
  // The real values, refusing an imaginary part above `tolerance` times the
  // largest modulus (the array named in the message).
  std::vector<double> real_values(double tolerance = 0.0) const;
};

bool is_npy_path(const std::string& path);  // ends in .npy
bool is_npz_path(const std::string& path);  // ends in .npz

// One .npy array (format versions 1-3; little-endian float64/float32,
// complex128/complex64, int64/int32, either memory order; rank 1 or 2).
NumericArray read_npy(const std::string& path);
NumericArray parse_npy(const std::string& bytes, const std::string& origin);

// Every array of an .npz archive by name (without ".npy"), stored or
// deflate-compressed.
std::map<std::string, NumericArray> read_npz(const std::string& path);

// A text matrix: rows of equal length; a single column reads as rank 1.
// Comment lines ('#') are returned in `comments` (without the '#').
NumericArray read_text_matrix(const std::string& path, std::vector<std::string>* comments = nullptr);
NumericArray parse_text_matrix(const std::string& text, const std::string& origin,
                               std::vector<std::string>* comments = nullptr);

}  // namespace ergon
