//===- NpyWriter.cpp - Write NumPy .npy and .npz files --------------------===//
//
// The .npy format (NEP 1, version 1.0) is a short text header describing
// dtype and shape, then the raw bytes. An .npz file is a plain ZIP archive
// of .npy files; entries are stored (method 0), so all that ZIP needs from
// us is its headers and a CRC-32 per entry. Everything is written through
// AtomicFile so that outputs appear complete or not at all.
//
//===----------------------------------------------------------------------===//
#include "snnc/runtime/NpyWriter.h"

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <limits>
#include <set>
#include <unistd.h>

namespace snnc::rt {

const char *npyDescr(NpyType type) {
  switch (type) {
  case NpyType::Float32:
    return "<f4";
  case NpyType::Float64:
    return "<f8";
  case NpyType::Int32:
    return "<i4";
  case NpyType::Int64:
    return "<i8";
  }
  return "?";
}

size_t npyElementSize(NpyType type) {
  return (type == NpyType::Float32 || type == NpyType::Int32) ? 4 : 8;
}

namespace {

constexpr std::array<uint32_t, 256> makeCrcTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t n = 0; n < 256; ++n) {
    uint32_t c = n;
    for (int bit = 0; bit < 8; ++bit)
      c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[n] = c;
  }
  return table;
}
constexpr std::array<uint32_t, 256> kCrcTable = makeCrcTable();

bool hostIsLittleEndian() {
  uint32_t probe = 1;
  unsigned char firstByte;
  std::memcpy(&firstByte, &probe, 1);
  return firstByte == 1;
}

/// Checks shape, type and pointer; on success `byteSize` is the payload.
Status checkArray(const NpyArray &array, uint64_t &byteSize) {
  if (array.type != NpyType::Float32 && array.type != NpyType::Float64 &&
      array.type != NpyType::Int32 && array.type != NpyType::Int64)
    return Status::error("npy: unsupported element type");
  if (array.shape.size() != 1 && array.shape.size() != 2)
    return Status::error("npy: only 1-D and 2-D arrays are supported, got " +
                         std::to_string(array.shape.size()) + " dimensions");
  uint64_t count = 1;
  for (int64_t extent : array.shape) {
    if (extent < 0)
      return Status::error("npy: negative extent " + std::to_string(extent));
    if (extent != 0 && count > uint64_t(std::numeric_limits<int64_t>::max()) /
                                   8 / uint64_t(extent))
      return Status::error("npy: array too large");
    count *= uint64_t(extent);
  }
  if (count > 0 && array.data == nullptr)
    return Status::error("npy: null data for a non-empty array");
  byteSize = count * npyElementSize(array.type);
  return Status::success();
}

std::string errnoText() { return std::strerror(errno); }

/// A file written under a temporary name and renamed into place on
/// commit(); destroyed uncommitted, it removes the temporary.
class AtomicFile {
public:
  AtomicFile() = default;
  AtomicFile(const AtomicFile &) = delete;
  AtomicFile &operator=(const AtomicFile &) = delete;
  ~AtomicFile() {
    if (file) {
      std::fclose(file);
      std::remove(tempPath.c_str());
    }
  }

  Status open(const std::string &path) {
    if (path.empty())
      return Status::error("cannot write a file with an empty path");
    finalPath = path;
    std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) {
      std::error_code error;
      std::filesystem::create_directories(parent, error);
      if (error)
        return Status::error("cannot create directory '" + parent.string() +
                             "': " + error.message());
    }
    tempPath = path + ".tmp." + std::to_string(::getpid());
    // A new file, never one planted at the temporary name (a symlink
    // there would redirect the write).
    int fd = ::open(tempPath.c_str(),
                    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0 && errno == EEXIST) {
      // Left by an earlier process with this pid: not a file in use.
      std::remove(tempPath.c_str());
      fd = ::open(tempPath.c_str(),
                  O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    }
    if (fd < 0)
      return Status::error("cannot write '" + tempPath + "': " + errnoText());
    file = ::fdopen(fd, "wb");
    if (!file) {
      std::string why = errnoText();
      ::close(fd);
      std::remove(tempPath.c_str());
      return Status::error("cannot write '" + tempPath + "': " + why);
    }
    return Status::success();
  }

  Status write(const void *data, size_t size) {
    if (size != 0 && std::fwrite(data, 1, size, file) != size)
      return Status::error("cannot write '" + finalPath + "': " + errnoText());
    return Status::success();
  }

  Status commit() {
    // Flush and sync before the rename so that the final name never points
    // at data still in flight.
    bool flushed = std::fflush(file) == 0 && ::fsync(::fileno(file)) == 0;
    std::string why = flushed ? "" : errnoText();
    bool closed = std::fclose(file) == 0;
    file = nullptr;
    if (!flushed || !closed) {
      std::remove(tempPath.c_str());
      return Status::error("cannot write '" + finalPath +
                           "': " + (why.empty() ? errnoText() : why));
    }
    if (std::rename(tempPath.c_str(), finalPath.c_str()) != 0) {
      std::string renameError = errnoText();
      std::remove(tempPath.c_str());
      return Status::error("cannot rename '" + tempPath + "' to '" + finalPath +
                           "': " + renameError);
    }
    return Status::success();
  }

private:
  std::FILE *file = nullptr;
  std::string finalPath;
  std::string tempPath;
};

/// Little-endian byte sink for the ZIP headers.
struct ByteBuffer {
  std::string bytes;
  void u16(uint32_t value) {
    bytes.push_back(char(value & 0xff));
    bytes.push_back(char((value >> 8) & 0xff));
  }
  void u32(uint32_t value) {
    u16(value & 0xffff);
    u16(value >> 16);
  }
  void text(const std::string &value) { bytes += value; }
};

bool isValidEntryName(const std::string &name) {
  if (name.empty() || name.size() > 200)
    return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    if (!ok)
      return false;
  }
  return true;
}

// ZIP fields: "version needed" 2.0 (numpy.savez writes the same); a fixed
// DOS timestamp of 1980-01-01 00:00 so that identical runs produce
// byte-identical files.
constexpr uint32_t kZipVersion = 20;
constexpr uint32_t kDosTime = 0;
constexpr uint32_t kDosDate = (0u << 9) | (1u << 5) | 1u;
constexpr uint64_t kZipLimit = 0xFFFFFFFFull; // beyond this ZIP64 is needed

} // namespace

uint32_t crc32(const void *data, size_t size, uint32_t crc) {
  const unsigned char *bytes = static_cast<const unsigned char *>(data);
  uint32_t c = ~crc;
  for (size_t i = 0; i < size; ++i)
    c = kCrcTable[(c ^ bytes[i]) & 0xff] ^ (c >> 8);
  return ~c;
}

Expected<std::string> npyHeader(const NpyArray &array) {
  uint64_t byteSize = 0;
  Status status = checkArray(array, byteSize);
  if (!status.ok())
    return status;
  std::string shape =
      "(" + std::to_string(array.shape[0]) +
      (array.shape.size() == 1 ? "," : ", " + std::to_string(array.shape[1])) +
      ")";
  std::string dict = std::string("{'descr': '") + npyDescr(array.type) +
                     "', 'fortran_order': False, 'shape': " + shape + ", }";
  // 6 magic bytes, 2 version bytes, 2 length bytes, then the dictionary
  // padded with spaces and ended by '\n' so that the data starts at a
  // multiple of 64 bytes, as NumPy itself aligns it.
  constexpr size_t kPrefix = 10;
  size_t total = kPrefix + dict.size() + 1;
  total = (total + 63) / 64 * 64;
  dict.append(total - kPrefix - dict.size() - 1, ' ');
  dict.push_back('\n');
  std::string header("\x93NUMPY\x01\x00", 8);
  header.push_back(char(dict.size() & 0xff));
  header.push_back(char(dict.size() >> 8));
  return header + dict;
}

Status writeNpy(const std::string &path, const NpyArray &array) {
  if (!hostIsLittleEndian())
    return Status::error("npy: big-endian hosts are not supported");
  uint64_t byteSize = 0;
  Status status = checkArray(array, byteSize);
  if (!status.ok())
    return status;
  Expected<std::string> header = npyHeader(array);
  if (!header.ok())
    return header.status();
  AtomicFile file;
  status = file.open(path);
  if (status.ok())
    status = file.write(header->data(), header->size());
  if (status.ok())
    status = file.write(array.data, size_t(byteSize));
  if (status.ok())
    status = file.commit();
  return status;
}

Status writeNpz(const std::string &path, const std::vector<NpzEntry> &entries) {
  if (!hostIsLittleEndian())
    return Status::error("npz: big-endian hosts are not supported");
  if (entries.size() > 0xFFFF)
    return Status::error("npz: too many entries (" +
                         std::to_string(entries.size()) + ", at most 65535)");

  // Validate everything before creating any file.
  std::set<std::string> seen;
  std::vector<std::string> headers;
  std::vector<uint64_t> payloadSizes;
  uint64_t archiveSize = 0;
  for (const NpzEntry &entry : entries) {
    if (!isValidEntryName(entry.name))
      return Status::error("npz: invalid entry name '" + entry.name +
                           "' (use letters, digits, '_', '-', '.')");
    if (!seen.insert(entry.name).second)
      return Status::error("npz: duplicate entry name '" + entry.name + "'");
    uint64_t byteSize = 0;
    Status status = checkArray(entry.array, byteSize);
    if (!status.ok())
      return Status::error("npz entry '" + entry.name +
                           "': " + status.message());
    Expected<std::string> header = npyHeader(entry.array);
    if (!header.ok())
      return header.status();
    uint64_t entrySize = header->size() + byteSize;
    if (entrySize > kZipLimit)
      return Status::error("npz entry '" + entry.name +
                           "' is 4 GiB or larger; write it as a .npy file");
    headers.push_back(header.take());
    payloadSizes.push_back(byteSize);
    archiveSize += 30 + 46 + 2 * (entry.name.size() + 4) + entrySize;
  }
  if (archiveSize + 22 > kZipLimit)
    return Status::error("npz archive would be 4 GiB or larger; write the "
                         "arrays as .npy files");

  AtomicFile file;
  Status status = file.open(path);
  if (!status.ok())
    return status;
  ByteBuffer centralDirectory;
  uint32_t offset = 0;
  for (size_t i = 0; i < entries.size() && status.ok(); ++i) {
    std::string fileName = entries[i].name + ".npy";
    const std::string &header = headers[i];
    uint32_t crc = crc32(header.data(), header.size());
    crc = crc32(entries[i].array.data, size_t(payloadSizes[i]), crc);
    uint32_t size = uint32_t(header.size() + payloadSizes[i]);

    ByteBuffer local;
    local.u32(0x04034b50); // local file header signature
    local.u16(kZipVersion);
    local.u16(0); // flags
    local.u16(0); // method: stored
    local.u16(kDosTime);
    local.u16(kDosDate);
    local.u32(crc);
    local.u32(size); // compressed
    local.u32(size); // uncompressed
    local.u16(uint32_t(fileName.size()));
    local.u16(0); // extra field length
    local.text(fileName);

    ByteBuffer &central = centralDirectory;
    central.u32(0x02014b50);  // central directory header signature
    central.u16(kZipVersion); // made by (MS-DOS attributes, version 2.0)
    central.u16(kZipVersion);
    central.u16(0);
    central.u16(0);
    central.u16(kDosTime);
    central.u16(kDosDate);
    central.u32(crc);
    central.u32(size);
    central.u32(size);
    central.u16(uint32_t(fileName.size()));
    central.u16(0); // extra field length
    central.u16(0); // comment length
    central.u16(0); // disk number
    central.u16(0); // internal attributes
    central.u32(0); // external attributes
    central.u32(offset);
    central.text(fileName);

    status = file.write(local.bytes.data(), local.bytes.size());
    if (status.ok())
      status = file.write(header.data(), header.size());
    if (status.ok())
      status = file.write(entries[i].array.data, size_t(payloadSizes[i]));
    offset += uint32_t(local.bytes.size()) + size;
  }
  if (!status.ok())
    return status;

  ByteBuffer end;
  end.u32(0x06054b50); // end of central directory signature
  end.u16(0);          // this disk
  end.u16(0);          // disk with the central directory
  end.u16(uint32_t(entries.size()));
  end.u16(uint32_t(entries.size()));
  end.u32(uint32_t(centralDirectory.bytes.size()));
  end.u32(offset);
  end.u16(0); // comment length
  status =
      file.write(centralDirectory.bytes.data(), centralDirectory.bytes.size());
  if (status.ok())
    status = file.write(end.bytes.data(), end.bytes.size());
  if (status.ok())
    status = file.commit();
  return status;
}

} // namespace snnc::rt
