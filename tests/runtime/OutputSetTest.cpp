//===- OutputSetTest.cpp - The files of one run, made visible together ----===//
//
// What a reader of the output directory can see before, during and after a
// set is written: the previous set until commit(), exactly the new one
// (with its manifest) after it, and nothing of a set that was discarded,
// failed or stopped.
//
//===----------------------------------------------------------------------===//
#include "snnc/runtime/OutputSet.h"

#include "snnc/runtime/NpyWriter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sys/wait.h>
#include <unistd.h>

using namespace snnc::rt;
namespace fs = std::filesystem;

namespace {

class OutputSetTest : public ::testing::Test {
protected:
  void SetUp() override {
    const ::testing::TestInfo *info =
        ::testing::UnitTest::GetInstance()->current_test_info();
    root = fs::path(::testing::TempDir()) /
           ("snnc-outputs-" + std::to_string(::getpid()) + "-" + info->name());
    std::error_code error;
    fs::remove_all(root, error);
    fs::create_directories(root);
    out = (root / "out").string();
  }
  void TearDown() override {
    std::error_code error;
    fs::remove_all(root, error);
  }

  /// Every entry of the output directory with its contents ("<dir>" for a
  /// directory).
  std::map<std::string, std::string> contents() const {
    std::map<std::string, std::string> files;
    for (const fs::directory_entry &entry : fs::directory_iterator(out)) {
      std::ifstream in(entry.path(), std::ios::binary);
      files[entry.path().filename().string()] =
          entry.is_directory()
              ? "<dir>"
              : std::string(std::istreambuf_iterator<char>(in), {});
    }
    return files;
  }

  static void write(const std::string &path, const std::string &text) {
    std::ofstream(path, std::ios::binary) << text;
  }

  /// Writes one set of `files` (name -> contents) and commits it.
  void commitSet(const std::map<std::string, std::string> &files) {
    OutputSet set(out, {"spikes.npz", "states.npz"});
    ASSERT_TRUE(set.begin().ok());
    for (const auto &[name, text] : files)
      write(set.pathFor(name), text);
    Status status = set.commit();
    ASSERT_TRUE(status.ok()) << status.message();
  }

  fs::path root;
  std::string out;
};

std::string manifestLine(const std::string &name, const std::string &text) {
  char crc[9];
  std::snprintf(crc, sizeof crc, "%08x", crc32(text.data(), text.size()));
  return name + " " + std::to_string(text.size()) + " " + crc + "\n";
}

TEST_F(OutputSetTest, CommitShowsExactlyTheNewSetWithItsManifest) {
  commitSet({{"spikes.npz", "old spikes"}, {"states.npz", "old states"}});
  commitSet({{"spikes.npz", "new spikes"}});
  std::map<std::string, std::string> files = contents();
  ASSERT_EQ(files.size(), 2u); // the old states.npz is gone
  EXPECT_EQ(files["spikes.npz"], "new spikes");
  const std::string &manifest = files[OutputSet::manifestName];
  EXPECT_NE(manifest.find(manifestLine("spikes.npz", "new spikes")),
            std::string::npos)
      << manifest;
  EXPECT_EQ(manifest.find("states.npz"), std::string::npos) << manifest;
}

TEST_F(OutputSetTest, FilesListedByThePreviousManifestAreRemovedToo) {
  {
    OutputSet set(out, {});
    ASSERT_TRUE(set.begin().ok());
    write(set.pathFor("extra.npz"), "x");
    ASSERT_TRUE(set.commit().ok());
  }
  write(out + "/notes.txt", "the user's");
  commitSet({{"spikes.npz", "s"}});
  std::map<std::string, std::string> files = contents();
  EXPECT_EQ(files.count("extra.npz"), 0u);
  EXPECT_EQ(files["notes.txt"], "the user's"); // not part of any set
}

TEST_F(OutputSetTest, DiscardedFailedOrStoppedSetsLeaveTheDirectoryAsItWas) {
  commitSet({{"spikes.npz", "old spikes"}, {"states.npz", "old states"}});
  std::map<std::string, std::string> before = contents();
  {
    OutputSet set(out, {"spikes.npz", "states.npz"});
    ASSERT_TRUE(set.begin().ok());
    write(set.pathFor("spikes.npz"), "new spikes");
    // Destroyed without a commit: as a failed write is.
  }
  EXPECT_EQ(contents(), before);
  {
    OutputSet set(out, {"spikes.npz", "states.npz"});
    ASSERT_TRUE(set.begin().ok());
    write(set.pathFor("spikes.npz"), "new spikes");
    set.pathFor("states.npz"); // never written
    EXPECT_FALSE(set.commit().ok());
  }
  EXPECT_EQ(contents(), before);
  {
    std::atomic<bool> stop{true};
    OutputSet set(out, {"spikes.npz", "states.npz"});
    ASSERT_TRUE(set.begin().ok());
    write(set.pathFor("spikes.npz"), "new spikes");
    Status status = set.commit(&stop);
    EXPECT_FALSE(status.ok());
    EXPECT_NE(status.message().find("interrupted"), std::string::npos);
  }
  EXPECT_EQ(contents(), before);
}

TEST_F(OutputSetTest, TemporaryDirectoriesOfDeadProcessesAreRemoved) {
  fs::create_directories(out);
  pid_t child = ::fork();
  if (child == 0)
    ::_exit(0);
  ASSERT_GT(child, 0);
  ::waitpid(child, nullptr, 0);
  std::string dead = std::string(OutputSet::temporaryPrefix) +
                     std::to_string(child) + "-abcdef";
  std::string alive = std::string(OutputSet::temporaryPrefix) +
                      std::to_string(::getppid()) + "-abcdef";
  fs::create_directories(out + "/" + dead);
  write(out + "/" + dead + "/spikes.npz", "half");
  fs::create_directories(out + "/" + alive);
  commitSet({{"spikes.npz", "s"}});
  std::map<std::string, std::string> files = contents();
  EXPECT_EQ(files.count(dead), 0u);
  EXPECT_EQ(files.count(alive), 1u); // perhaps still being written
}

TEST_F(OutputSetTest, CheckDirectoryTellsBeforeAnythingIsWritten) {
  EXPECT_TRUE(OutputSet::checkDirectory(out + "/a/b").ok());
  EXPECT_FALSE(fs::exists(out)); // checked, not created
  write(out, "a file");
  Status status = OutputSet::checkDirectory(out);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("is not a directory"), std::string::npos)
      << status.message();
  status = OutputSet::checkDirectory(out + "/sub");
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("is not a directory"), std::string::npos)
      << status.message();
  EXPECT_FALSE(OutputSet::checkDirectory("").ok());
  fs::remove(out);
  fs::create_directories(out);
  EXPECT_TRUE(OutputSet::checkDirectory(out).ok());
  EXPECT_TRUE(contents().empty()); // the probe is gone
}

TEST_F(OutputSetTest, ErrorsNameTheFinalPaths) {
  OutputSet set(out, {});
  ASSERT_TRUE(set.begin().ok());
  std::string path = set.pathFor("spikes.npz");
  EXPECT_EQ(set.finalNames("cannot write '" + path + "': File too large"),
            "cannot write '" + out + "/spikes.npz': File too large");
}

} // namespace
