//===- NpyWriterTest.cpp - .npy/.npz writer -------------------------------===//
//
// Reads the written bytes back with a small independent parser (the .npy
// header and the ZIP local headers, central directory and end record), so
// the format is checked without NumPy; where the system Python has NumPy,
// also loads the files with it, which is what users will do.
//
//===----------------------------------------------------------------------===//
#include "snnc/runtime/NpyWriter.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <unistd.h>

using namespace snnc::rt;
namespace fs = std::filesystem;

namespace {

/// A fresh directory per test, removed afterwards.
class NpyWriterTest : public ::testing::Test {
protected:
  void SetUp() override {
    const ::testing::TestInfo *info =
        ::testing::UnitTest::GetInstance()->current_test_info();
    directory = fs::path(::testing::TempDir()) /
                ("snnc-npy-" + std::to_string(::getpid()) + "-" + info->name());
    std::error_code error;
    fs::remove_all(directory, error);
  }
  void TearDown() override {
    std::error_code error;
    fs::remove_all(directory, error);
  }
  fs::path directory;
};

std::string readFile(const fs::path &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

uint32_t le16(const std::string &bytes, size_t at) {
  return uint32_t(uint8_t(bytes[at])) | uint32_t(uint8_t(bytes[at + 1])) << 8;
}
uint32_t le32(const std::string &bytes, size_t at) {
  return le16(bytes, at) | le16(bytes, at + 2) << 16;
}

/// Splits an .npy file into its header dictionary and data bytes.
void parseNpy(const std::string &file, std::string &dict, std::string &data) {
  ASSERT_GE(file.size(), 10u);
  ASSERT_EQ(file.substr(0, 6), std::string("\x93NUMPY", 6));
  ASSERT_EQ(file[6], 1); // major version
  ASSERT_EQ(file[7], 0); // minor version
  size_t headerLength = le16(file, 8);
  ASSERT_EQ((10 + headerLength) % 64, 0u) << "data not 64-byte aligned";
  ASSERT_LE(10 + headerLength, file.size());
  dict = file.substr(10, headerLength);
  ASSERT_EQ(dict.back(), '\n');
  data = file.substr(10 + headerLength);
}

TEST(Crc32Test, StandardCheckValue) {
  EXPECT_EQ(crc32("123456789", 9), 0xCBF43926u);
  EXPECT_EQ(crc32("", 0), 0u);
  // Continuing over a split gives the same as one pass.
  EXPECT_EQ(crc32("6789", 4, crc32("12345", 5)), 0xCBF43926u);
}

TEST(NpyHeaderTest, DictionaryMatchesNumPy) {
  float data[6] = {};
  Expected<std::string> header = npyHeader(NpyArray::of(data, 2, 3));
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(header->size() % 64, 0u);
  EXPECT_NE(header->find("{'descr': '<f4', 'fortran_order': False, "
                         "'shape': (2, 3), }"),
            std::string::npos);
  Expected<std::string> vector = npyHeader(NpyArray::of(data, 6));
  ASSERT_TRUE(vector.ok());
  EXPECT_NE(vector->find("'shape': (6,), }"), std::string::npos);
  EXPECT_FALSE(npyHeader(NpyArray{NpyType::Int32, data, {1, 2, 3}}).ok());
  EXPECT_FALSE(npyHeader(NpyArray{NpyType::Int32, data, {-1}}).ok());
  EXPECT_FALSE(npyHeader(NpyArray{NpyType::Int32, nullptr, {3}}).ok());
  EXPECT_TRUE(npyHeader(NpyArray{NpyType::Int32, nullptr, {0}}).ok());
}

TEST_F(NpyWriterTest, NpyRoundTripEveryType) {
  const float f32[6] = {1.5f, -2.0f, 3.25f, 0.0f, 1e-3f, -7.0f};
  const double f64[3] = {1.0 / 3.0, -1e300, 2.5};
  const int32_t i32[4] = {0, -1, 2147483647, -2147483647 - 1};
  const int64_t i64[2] = {int64_t(1) << 40, -5};
  struct Case {
    NpyArray array;
    const char *descr;
    const char *shape;
    size_t bytes;
  } cases[] = {
      {NpyArray::of(f32, 2, 3), "'<f4'", "(2, 3)", sizeof(f32)},
      {NpyArray::of(f64, 3), "'<f8'", "(3,)", sizeof(f64)},
      {NpyArray::of(i32, 4), "'<i4'", "(4,)", sizeof(i32)},
      {NpyArray::of(i64, 1, 2), "'<i8'", "(1, 2)", sizeof(i64)},
  };
  int index = 0;
  for (const Case &c : cases) {
    // The output directory (two levels) does not exist yet.
    fs::path path =
        directory / "sub" / ("a" + std::to_string(index++) + ".npy");
    Status status = writeNpy(path.string(), c.array);
    ASSERT_TRUE(status.ok()) << status.message();
    std::string dict, data;
    parseNpy(readFile(path), dict, data);
    EXPECT_NE(dict.find(std::string("'descr': ") + c.descr), std::string::npos)
        << dict;
    EXPECT_NE(dict.find(std::string("'shape': ") + c.shape), std::string::npos)
        << dict;
    EXPECT_NE(dict.find("'fortran_order': False"), std::string::npos);
    ASSERT_EQ(data.size(), c.bytes);
    EXPECT_EQ(std::memcmp(data.data(), c.array.data, c.bytes), 0);
    // Nothing left under the temporary name.
    EXPECT_FALSE(
        fs::exists(path.string() + ".tmp." + std::to_string(::getpid())));
  }
  // Overwriting replaces the file.
  fs::path path = directory / "sub" / "a0.npy";
  ASSERT_TRUE(writeNpy(path.string(), NpyArray::of(i32, 1)).ok());
  std::string dict, data;
  parseNpy(readFile(path), dict, data);
  EXPECT_EQ(data.size(), 4u);
}

TEST_F(NpyWriterTest, NpzLayoutAndCrc) {
  const int32_t steps[5] = {0, 0, 3, 7, 7};
  const float trace[2][3] = {{-60, -59.5f, -58}, {-50, 1, 2}};
  std::vector<NpzEntry> entries = {
      {"steps", NpyArray::of(steps, 5)},
      {"V", NpyArray::of(&trace[0][0], 2, 3)},
      {"empty", NpyArray::of(static_cast<const double *>(nullptr), 0)}};
  fs::path path = directory / "out.npz";
  Status status = writeNpz(path.string(), entries);
  ASSERT_TRUE(status.ok()) << status.message();
  std::string zip = readFile(path);

  // Walk the local headers.
  size_t at = 0;
  std::vector<size_t> localOffsets;
  for (const NpzEntry &entry : entries) {
    ASSERT_LE(at + 30, zip.size());
    localOffsets.push_back(at);
    EXPECT_EQ(le32(zip, at), 0x04034b50u);
    EXPECT_EQ(le16(zip, at + 8), 0u) << "entries must be stored";
    uint32_t crc = le32(zip, at + 14);
    uint32_t compressed = le32(zip, at + 18);
    uint32_t uncompressed = le32(zip, at + 22);
    uint32_t nameLength = le16(zip, at + 26);
    uint32_t extraLength = le16(zip, at + 28);
    EXPECT_EQ(compressed, uncompressed);
    std::string name = zip.substr(at + 30, nameLength);
    EXPECT_EQ(name, entry.name + ".npy");
    size_t dataStart = at + 30 + nameLength + extraLength;
    ASSERT_LE(dataStart + compressed, zip.size());
    std::string member = zip.substr(dataStart, compressed);
    EXPECT_EQ(crc32(member.data(), member.size()), crc);
    std::string dict, data;
    parseNpy(member, dict, data);
    size_t bytes = npyElementSize(entry.array.type);
    for (int64_t extent : entry.array.shape)
      bytes *= size_t(extent);
    ASSERT_EQ(data.size(), bytes);
    if (bytes) {
      EXPECT_EQ(std::memcmp(data.data(), entry.array.data, bytes), 0);
    }
    at = dataStart + compressed;
  }

  // Central directory, then the end record closing the file.
  size_t centralStart = at;
  for (size_t i = 0; i < entries.size(); ++i) {
    ASSERT_LE(at + 46, zip.size());
    EXPECT_EQ(le32(zip, at), 0x02014b50u);
    EXPECT_EQ(le32(zip, at + 42), localOffsets[i]);
    EXPECT_EQ(le32(zip, at + 16), le32(zip, localOffsets[i] + 14));
    uint32_t nameLength = le16(zip, at + 28);
    EXPECT_EQ(zip.substr(at + 46, nameLength), entries[i].name + ".npy");
    at += 46 + nameLength + le16(zip, at + 30) + le16(zip, at + 32);
  }
  ASSERT_EQ(at + 22, zip.size());
  EXPECT_EQ(le32(zip, at), 0x06054b50u);
  EXPECT_EQ(le16(zip, at + 10), entries.size());
  EXPECT_EQ(le32(zip, at + 12), at - centralStart);
  EXPECT_EQ(le32(zip, at + 16), centralStart);

  // Identical input gives identical bytes (fixed timestamps).
  fs::path again = directory / "again.npz";
  ASSERT_TRUE(writeNpz(again.string(), entries).ok());
  EXPECT_EQ(readFile(again), zip);
}

TEST_F(NpyWriterTest, Errors) {
  const int32_t value = 1;
  // A regular file where a directory is needed: cannot create the parent.
  fs::create_directories(directory);
  std::ofstream(directory / "file") << "x";
  Status status = writeNpy((directory / "file" / "x.npy").string(),
                           NpyArray::of(&value, 1));
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("directory"), std::string::npos)
      << status.message();
  // The target is an existing directory: the rename fails, no temp is left.
  fs::create_directories(directory / "dir.npy");
  status = writeNpy((directory / "dir.npy").string(), NpyArray::of(&value, 1));
  ASSERT_FALSE(status.ok());
  EXPECT_FALSE(fs::exists((directory / "dir.npy").string() + ".tmp." +
                          std::to_string(::getpid())));
  EXPECT_FALSE(writeNpy("", NpyArray::of(&value, 1)).ok());

  fs::path npz = directory / "bad.npz";
  EXPECT_FALSE(writeNpz(npz.string(), {{"a", NpyArray::of(&value, 1)},
                                       {"a", NpyArray::of(&value, 1)}})
                   .ok());
  EXPECT_FALSE(writeNpz(npz.string(), {{"", NpyArray::of(&value, 1)}}).ok());
  EXPECT_FALSE(
      writeNpz(npz.string(), {{"../x", NpyArray::of(&value, 1)}}).ok());
  EXPECT_FALSE(writeNpz(npz.string(),
                        {{"x", NpyArray{NpyType::Int32, &value, {1, 1, 1}}}})
                   .ok());
  EXPECT_FALSE(fs::exists(npz)) << "failed writes must not create files";
}

bool systemPythonHasNumPy() {
  return std::system("/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1") == 0;
}

TEST_F(NpyWriterTest, NumPyLoadsTheFiles) {
  if (!systemPythonHasNumPy())
    GTEST_SKIP() << "/usr/bin/python3 with numpy not available";
  const int32_t steps[4] = {0, 2, 2, 9};
  const int64_t wide[2] = {int64_t(1) << 40, -3};
  const float matrix[2][3] = {{1.5f, 2.5f, 3.5f}, {-1, -2, -3}};
  const double precise[2] = {1.0 / 3.0, -1e300};
  fs::path npz = directory / "result.npz";
  fs::path npy = directory / "matrix.npy";
  ASSERT_TRUE(
      writeNpz(npz.string(), {{"steps", NpyArray::of(steps, 4)},
                              {"wide", NpyArray::of(wide, 2)},
                              {"matrix", NpyArray::of(&matrix[0][0], 2, 3)},
                              {"precise", NpyArray::of(precise, 2)}})
          .ok());
  ASSERT_TRUE(writeNpy(npy.string(), NpyArray::of(&matrix[0][0], 2, 3)).ok());
  std::string script =
      "import numpy as np, sys\n"
      "z = np.load(sys.argv[1])\n"
      "assert sorted(z.files) == ['matrix', 'precise', 'steps', 'wide'], "
      "z.files\n"
      "assert z['steps'].dtype == np.int32\n"
      "assert z['steps'].tolist() == [0, 2, 2, 9]\n"
      "assert z['wide'].dtype == np.int64\n"
      "assert z['wide'].tolist() == [1 << 40, -3]\n"
      "m = z['matrix']\n"
      "assert m.dtype == np.float32 and m.shape == (2, 3), (m.dtype, m.shape)\n"
      "assert m.tolist() == [[1.5, 2.5, 3.5], [-1, -2, -3]]\n"
      "assert z['precise'].tolist() == [1.0 / 3.0, -1e300]\n"
      "a = np.load(sys.argv[2])\n"
      "assert a.shape == (2, 3) and a.dtype == np.float32\n"
      "assert (a == m).all()\n";
  fs::path scriptPath = directory / "check.py";
  std::ofstream(scriptPath) << script;
  std::string command = "/usr/bin/python3 '" + scriptPath.string() + "' '" +
                        npz.string() + "' '" + npy.string() + "'";
  EXPECT_EQ(std::system(command.c_str()), 0) << "NumPy rejected the files";
}

} // namespace
