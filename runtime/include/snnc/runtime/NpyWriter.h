//===- NpyWriter.h - Write NumPy .npy and .npz files ------------*- C++ -*-===//
//
// Runs hand their results (spikes, recorded state, connectivity) to
// scientists as NumPy files, which every analysis tool reads. Supported:
// format 1.0 .npy files of little-endian float32/float64/int32/int64 arrays
// with one or two dimensions in C order, and .npz archives of them (a ZIP
// file whose entries are stored uncompressed, as numpy.savez writes them).
//
// Files are written atomically: to "<path>.tmp.<pid>" first, then renamed
// over <path>, so a reader never sees half a file and a crash never leaves
// one behind under the final name. The parent directory is created if it
// is missing.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_NPYWRITER_H
#define SNNC_RUNTIME_NPYWRITER_H

#include "snnc/runtime/Status.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace snnc::rt {

/// Element types a .npy file can hold here, named by their NumPy descr.
enum class NpyType { Float32, Float64, Int32, Int64 };

/// "<f4", "<f8", "<i4" or "<i8".
const char *npyDescr(NpyType type);
/// 4 or 8.
size_t npyElementSize(NpyType type);

/// A borrowed, typed view of a 1-D or 2-D C-order array to be written.
struct NpyArray {
  NpyType type = NpyType::Float32;
  const void *data = nullptr;
  /// One or two non-negative extents; the last varies fastest.
  std::vector<int64_t> shape;

  static NpyArray of(const float *data, int64_t n) {
    return {NpyType::Float32, data, {n}};
  }
  static NpyArray of(const double *data, int64_t n) {
    return {NpyType::Float64, data, {n}};
  }
  static NpyArray of(const int32_t *data, int64_t n) {
    return {NpyType::Int32, data, {n}};
  }
  static NpyArray of(const int64_t *data, int64_t n) {
    return {NpyType::Int64, data, {n}};
  }
  static NpyArray of(const float *data, int64_t rows, int64_t cols) {
    return {NpyType::Float32, data, {rows, cols}};
  }
  static NpyArray of(const double *data, int64_t rows, int64_t cols) {
    return {NpyType::Float64, data, {rows, cols}};
  }
  static NpyArray of(const int32_t *data, int64_t rows, int64_t cols) {
    return {NpyType::Int32, data, {rows, cols}};
  }
  static NpyArray of(const int64_t *data, int64_t rows, int64_t cols) {
    return {NpyType::Int64, data, {rows, cols}};
  }
};

/// One entry of an .npz archive; stored as "<name>.npy". Names are made of
/// letters, digits, '_', '-' and '.'.
struct NpzEntry {
  std::string name;
  NpyArray array;
};

/// The complete .npy header for `array` (magic, version 1.0, length, the
/// dictionary padded with spaces and a newline to a multiple of 64 bytes),
/// or an error for an unsupported shape.
Expected<std::string> npyHeader(const NpyArray &array);

/// Writes `array` to `path` as a .npy file.
Status writeNpy(const std::string &path, const NpyArray &array);

/// Writes the entries to `path` as an .npz archive. Each entry must be
/// under 4 GiB and the archive too (no ZIP64); larger data is better
/// written as separate .npy files.
Status writeNpz(const std::string &path, const std::vector<NpzEntry> &entries);

/// The CRC-32 used by ZIP (IEEE 802.3, reflected, polynomial 0xEDB88320).
/// Pass the previous result as `crc` to continue over more data.
uint32_t crc32(const void *data, size_t size, uint32_t crc = 0);

} // namespace snnc::rt

#endif // SNNC_RUNTIME_NPYWRITER_H
