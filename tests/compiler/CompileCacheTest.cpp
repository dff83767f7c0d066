//===- CompileCacheTest.cpp - A compile cache that cannot be poisoned -----===//
//
// The cache maps what it reads executable and calls it, so these tests
// attack it as a careless disk or a hostile neighbour would: entries
// planted from another program, corrupted bytes, another buffer layout,
// shared and foreign directories, links planted where it writes, a write
// that fails, and a directory over its size cap. Each must end in a run
// with the right spikes (or a clean refusal), never in foreign code run.
//
// Some attacks need a second user: as root the tests hand files to uid
// 65534 (nobody); otherwise those tests skip. Permission bits do not stop
// root's writes, so a failing write is made with RLIMIT_FSIZE instead.
//
//===----------------------------------------------------------------------===//
#include "snnc/compiler/CompileCache.h"

#include "snnc/Simulation.h"
#include "snnc/dsl/Frontend.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

using namespace snnc;

namespace {

constexpr uid_t kNobody = 65534;

/// A fresh directory (mode 0700), removed at the end of the test.
class Scratch {
public:
  Scratch() {
    llvm::SmallString<128> dir;
    EXPECT_FALSE(llvm::sys::fs::createUniqueDirectory("snnc-cache-test", dir));
    path = std::string(dir);
    ::chmod(path.c_str(), 0700);
  }
  ~Scratch() {
    // Leave nothing read-only behind that would stop the removal.
    ::chmod(path.c_str(), 0700);
    llvm::sys::fs::remove_directories(path);
  }
  std::string operator/(llvm::StringRef name) const {
    return path + "/" + name.str();
  }
  std::string path;
};

/// Diagnostics into a string.
struct Diags {
  llvm::SourceMgr sources;
  std::string log;
  llvm::raw_string_ostream stream{log};
  DiagnosticEngine engine{sources, &stream};
  unsigned warnings() const {
    unsigned count = 0;
    for (const Diagnostic &diag : engine.diagnostics())
      count += diag.severity == Severity::Warning;
    return count;
  }
};

std::string readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void writeFile(const std::string &path, llvm::StringRef bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), bytes.size());
}

/// File names in `directory`.
std::set<std::string> listing(const std::string &directory) {
  std::set<std::string> names;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(directory, ec), end;
       it != end && !ec; it.increment(ec))
    names.insert(llvm::sys::path::filename(it->path()).str());
  return names;
}

std::string keyOf(char digit) { return std::string(64, digit); }

/// Sets a file's time of last use (modification), seconds since the epoch.
void setTime(const std::string &path, time_t seconds) {
  struct timeval times[2] = {{seconds, 0}, {seconds, 0}};
  ::utimes(path.c_str(), times);
}

bool lookupHits(CompileCache &cache, llvm::StringRef key,
                llvm::StringRef layout, llvm::StringRef expected) {
  CacheLookup found = cache.lookup(key, layout);
  return found.object && found.object->getBuffer() == expected;
}

// ---------------------------------------------------------------------------
// The cache on its own
// ---------------------------------------------------------------------------

TEST(CompileCacheTest, AStoredEntryIsFoundAgainAndIsPrivate) {
  Scratch scratch;
  Diags diags;
  std::string directory = scratch / "a/b/cache";
  std::unique_ptr<CompileCache> cache =
      CompileCache::open(directory, diags.engine, 1 << 20);
  ASSERT_TRUE(cache) << diags.log;
  std::string object =
      std::string("bytes \x7f\0 with a zero", 20) + std::string(500, 'x');
  ASSERT_TRUE(cache->store(keyOf('1'), "layout A", object, diags.engine))
      << diags.log;
  EXPECT_TRUE(lookupHits(*cache, keyOf('1'), "layout A", object));
  EXPECT_EQ(diags.warnings(), 0u) << diags.log;

  struct stat status;
  ASSERT_EQ(::stat(directory.c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 077, 0u) << std::oct << status.st_mode;
  ASSERT_EQ(
      ::stat((directory + "/" + CompileCache::entryName(keyOf('1'))).c_str(),
             &status),
      0);
  EXPECT_EQ(status.st_mode & 0777, 0600u) << std::oct << status.st_mode;
  // Nothing but the entry: the temporary file was renamed.
  EXPECT_EQ(listing(directory),
            std::set<std::string>{CompileCache::entryName(keyOf('1'))});
}

TEST(CompileCacheTest, ACorruptedByteAnywhereIsDetectedAndTheEntryRemoved) {
  Scratch scratch;
  Diags diags;
  std::unique_ptr<CompileCache> cache =
      CompileCache::open(scratch.path, diags.engine, 1 << 20);
  ASSERT_TRUE(cache);
  std::string object(4000, '\0');
  for (size_t i = 0; i < object.size(); ++i)
    object[i] = static_cast<char>(i * 7);
  std::string entry = scratch / CompileCache::entryName(keyOf('2'));
  size_t size = CompileCache::kHeaderBytes + object.size();
  // Magic, version, key digest, layout digest, object digest, object.
  for (size_t at : {size_t(0), size_t(9), size_t(30), size_t(60), size_t(100),
                    CompileCache::kHeaderBytes, size / 2, size - 1}) {
    ASSERT_TRUE(cache->store(keyOf('2'), "layout", object, diags.engine));
    std::string bytes = readFile(entry);
    ASSERT_EQ(bytes.size(), size);
    bytes[at] ^= 0x20;
    writeFile(entry, bytes);
    CacheLookup found = cache->lookup(keyOf('2'), "layout");
    EXPECT_FALSE(found.object) << "byte " << at;
    EXPECT_FALSE(found.rejected.empty()) << "byte " << at;
    EXPECT_FALSE(llvm::sys::fs::exists(entry)) << "byte " << at;
  }
  // A truncated entry too.
  ASSERT_TRUE(cache->store(keyOf('2'), "layout", object, diags.engine));
  writeFile(entry, readFile(entry).substr(0, size - 10));
  EXPECT_NE(cache->lookup(keyOf('2'), "layout").rejected.find("size"),
            std::string::npos);
}

TEST(CompileCacheTest, AnEntryOfAnotherLayoutIsNotHandedOut) {
  Scratch scratch;
  Diags diags;
  std::unique_ptr<CompileCache> cache =
      CompileCache::open(scratch.path, diags.engine, 1 << 20);
  ASSERT_TRUE(cache);
  ASSERT_TRUE(cache->store(keyOf('3'), "buffers 3 f32x10 f32x10 i32x4", "code",
                           diags.engine));
  CacheLookup found =
      cache->lookup(keyOf('3'), "buffers 3 f32x10 f32x12 i32x4");
  EXPECT_FALSE(found.object);
  EXPECT_NE(found.rejected.find("layout"), std::string::npos) << found.rejected;
}

TEST(CompileCacheTest, AnEntryCopiedFromAnotherKeyIsNotHandedOut) {
  Scratch scratch;
  Diags diags;
  std::unique_ptr<CompileCache> cache =
      CompileCache::open(scratch.path, diags.engine, 1 << 20);
  ASSERT_TRUE(cache);
  ASSERT_TRUE(cache->store(keyOf('a'), "layout", "code of a", diags.engine));
  writeFile(scratch / CompileCache::entryName(keyOf('b')),
            readFile(scratch / CompileCache::entryName(keyOf('a'))));
  CacheLookup found = cache->lookup(keyOf('b'), "layout");
  EXPECT_FALSE(found.object);
  EXPECT_NE(found.rejected.find("another program"), std::string::npos)
      << found.rejected;
  // A bare object (the format before entries had a header) is no entry.
  writeFile(scratch / CompileCache::entryName(keyOf('c')),
            "\x7f"
            "ELF" +
                std::string(400, '\0'));
  EXPECT_FALSE(cache->lookup(keyOf('c'), "layout").object);
}

TEST(CompileCacheTest, LayoutSignatureSeesEveryBufferSizeAndType) {
  ProgramLayout layout;
  layout.addBuffer("V", ElementType::Real, 100);
  layout.addBuffer("spikes", ElementType::Int32, 100);
  std::string base = layoutSignature(layout);
  ProgramLayout other = layout;
  other.buffers[1].size = 101;
  EXPECT_NE(layoutSignature(other), base);
  other = layout;
  other.buffers[1].type = ElementType::Int8;
  EXPECT_NE(layoutSignature(other), base);
  other = layout;
  other.doublePrecision = true;
  EXPECT_NE(layoutSignature(other), base);
  other = layout;
  other.threads = 2;
  EXPECT_NE(layoutSignature(other), base);
  other = layout;
  other.addBuffer("params", ElementType::Real, 1);
  EXPECT_NE(layoutSignature(other), base);
  EXPECT_EQ(layoutSignature(layout), base);
}

TEST(CompileCacheTest, ADirectoryWritableByGroupOrOthersIsRefused) {
  for (mode_t mode : {0770, 0707, 0777, 01777}) {
    Scratch scratch;
    ::chmod(scratch.path.c_str(), mode);
    Diags diags;
    EXPECT_FALSE(CompileCache::open(scratch.path, diags.engine, 1 << 20))
        << std::oct << mode;
    ASSERT_EQ(diags.engine.diagnostics().size(), 1u) << diags.log;
    EXPECT_EQ(diags.warnings(), 1u);
    EXPECT_NE(diags.log.find("writable by group or others"), std::string::npos)
        << diags.log;
    EXPECT_EQ(std::count(diags.log.begin(), diags.log.end(), '\n'), 1)
        << diags.log;
  }
}

TEST(CompileCacheTest, ADirectoryOrLinkOwnedByAnotherUserIsRefused) {
  if (::geteuid() != 0)
    GTEST_SKIP() << "needs root to give a directory to another user";
  Scratch scratch;
  std::string foreign = scratch / "foreign";
  ASSERT_EQ(::mkdir(foreign.c_str(), 0700), 0);
  ASSERT_EQ(::chown(foreign.c_str(), kNobody, kNobody), 0);
  Diags diags;
  EXPECT_FALSE(CompileCache::open(foreign, diags.engine, 1 << 20));
  EXPECT_NE(diags.log.find("owned by another user"), std::string::npos)
      << diags.log;

  // A link someone else made, to a directory of ours.
  std::string mine = scratch / "mine", link = scratch / "link";
  ASSERT_EQ(::mkdir(mine.c_str(), 0700), 0);
  ASSERT_EQ(::symlink(mine.c_str(), link.c_str()), 0);
  ASSERT_EQ(::lchown(link.c_str(), kNobody, kNobody), 0);
  Diags linked;
  EXPECT_FALSE(CompileCache::open(link, linked.engine, 1 << 20));
  EXPECT_NE(linked.log.find("symbolic link owned by another user"),
            std::string::npos)
      << linked.log;
  // Our own link to our own directory is fine.
  std::string own = scratch / "own";
  ASSERT_EQ(::symlink(mine.c_str(), own.c_str()), 0);
  Diags fine;
  EXPECT_TRUE(CompileCache::open(own, fine.engine, 1 << 20)) << fine.log;
}

TEST(CompileCacheTest, APathThatCannotBeADirectoryIsAWarning) {
  Scratch scratch;
  writeFile(scratch / "file", "a file where the directory should be");
  Diags diags;
  EXPECT_FALSE(CompileCache::open(scratch / "file/cache", diags.engine, 1));
  EXPECT_EQ(diags.warnings(), 1u);
  EXPECT_NE(diags.log.find("cannot create it"), std::string::npos) << diags.log;
  EXPECT_FALSE(diags.engine.hasErrors());
}

TEST(CompileCacheTest, ALinkPlantedAtTheEntryNameIsNotFollowed) {
  Scratch scratch;
  std::string victim = scratch / "victim";
  writeFile(victim, "precious");
  std::string directory = scratch / "cache";
  Diags diags;
  std::unique_ptr<CompileCache> cache =
      CompileCache::open(directory, diags.engine, 1 << 20);
  ASSERT_TRUE(cache);
  std::string entry = directory + "/" + CompileCache::entryName(keyOf('4'));
  ASSERT_EQ(::symlink(victim.c_str(), entry.c_str()), 0);
  CacheLookup found = cache->lookup(keyOf('4'), "layout");
  EXPECT_FALSE(found.object);
  EXPECT_NE(found.rejected.find("symbolic link"), std::string::npos);
  ASSERT_EQ(::symlink(victim.c_str(), entry.c_str()), 0);
  ASSERT_TRUE(cache->store(keyOf('4'), "layout", "code", diags.engine));
  EXPECT_EQ(readFile(victim), "precious");
  struct stat status;
  ASSERT_EQ(::lstat(entry.c_str(), &status), 0);
  EXPECT_TRUE(S_ISREG(status.st_mode));
  EXPECT_TRUE(lookupHits(*cache, keyOf('4'), "layout", "code"));
}

TEST(CompileCacheTest, AWriteThatFailsIsAWarningAndLeavesNothing) {
  Scratch scratch;
  Diags diags;
  std::unique_ptr<CompileCache> cache =
      CompileCache::open(scratch.path, diags.engine, 1 << 20);
  ASSERT_TRUE(cache);
  // A file size limit fails the write whoever runs the test (a full disk
  // fails it the same way: ENOSPC instead of EFBIG).
  struct rlimit saved;
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  struct rlimit small = saved;
  small.rlim_cur = 4096;
  auto previous = std::signal(SIGXFSZ, SIG_IGN);
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  bool stored =
      cache->store(keyOf('5'), "layout", std::string(20000, 'x'), diags.engine);
  ::setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, previous);
  EXPECT_FALSE(stored);
  EXPECT_EQ(diags.warnings(), 1u);
  EXPECT_FALSE(diags.engine.hasErrors());
  EXPECT_NE(diags.log.find("cannot write to the compile cache"),
            std::string::npos)
      << diags.log;
  EXPECT_TRUE(listing(scratch.path).empty());
}

TEST(CompileCacheTest, AReadOnlyDirectoryIsAWarning) {
  if (::geteuid() == 0)
    GTEST_SKIP() << "root writes into a mode 0500 directory; "
                    "AWriteThatFailsIsAWarningAndLeavesNothing covers it";
  Scratch scratch;
  ::chmod(scratch.path.c_str(), 0500);
  Diags diags;
  std::unique_ptr<CompileCache> cache =
      CompileCache::open(scratch.path, diags.engine, 1 << 20);
  ASSERT_TRUE(cache) << diags.log;
  EXPECT_FALSE(cache->store(keyOf('6'), "layout", "code", diags.engine));
  EXPECT_EQ(diags.warnings(), 1u);
  EXPECT_FALSE(diags.engine.hasErrors());
}

TEST(CompileCacheTest, EvictionDropsTheLeastRecentlyUsedDownToTheCap) {
  Scratch scratch;
  Diags diags;
  std::string object(1000, 'o');
  size_t entryBytes = CompileCache::kHeaderBytes + object.size();
  std::unique_ptr<CompileCache> cache =
      CompileCache::open(scratch.path, diags.engine, 3 * entryBytes);
  ASSERT_TRUE(cache);
  time_t now = ::time(nullptr);
  // Files that only look like the cache's, and ours: never removed.
  writeFile(scratch / "notes.txt", std::string(10 * entryBytes, 'n'));
  writeFile(scratch / (keyOf('A') + ".o"), std::string(entryBytes, 'n'));
  writeFile(scratch / (keyOf('1') + ".obj"), std::string(entryBytes, 'n'));
  // A temporary file a killed writer left long ago, and one being written.
  writeFile(scratch / (keyOf('7') + ".o.tmp.12345"), "half");
  setTime(scratch / (keyOf('7') + ".o.tmp.12345"), now - 7200);
  writeFile(scratch / (keyOf('8') + ".o.tmp.abcdef"), "being written");
  for (char k : {'1', '2', '3'}) {
    ASSERT_TRUE(cache->store(keyOf(k), "layout", object, diags.engine));
    setTime(scratch / CompileCache::entryName(keyOf(k)), now - 100 + k);
  }
  // Using the oldest makes it the newest.
  EXPECT_TRUE(lookupHits(*cache, keyOf('1'), "layout", object));
  ASSERT_TRUE(cache->store(keyOf('4'), "layout", object, diags.engine));

  std::set<std::string> left = listing(scratch.path);
  EXPECT_TRUE(left.count(CompileCache::entryName(keyOf('1'))));
  EXPECT_FALSE(left.count(CompileCache::entryName(keyOf('2'))));
  EXPECT_TRUE(left.count(CompileCache::entryName(keyOf('3'))));
  EXPECT_TRUE(left.count(CompileCache::entryName(keyOf('4'))));
  EXPECT_TRUE(left.count("notes.txt"));
  EXPECT_TRUE(left.count(keyOf('A') + ".o"));
  EXPECT_TRUE(left.count(keyOf('1') + ".obj"));
  EXPECT_FALSE(left.count(keyOf('7') + ".o.tmp.12345"));
  EXPECT_TRUE(left.count(keyOf('8') + ".o.tmp.abcdef"));

  // A smaller cap: down to it, newest kept.
  std::unique_ptr<CompileCache> smaller =
      CompileCache::open(scratch.path, diags.engine, entryBytes);
  ASSERT_TRUE(smaller);
  smaller->evict();
  left = listing(scratch.path);
  EXPECT_FALSE(left.count(CompileCache::entryName(keyOf('3'))));
  EXPECT_TRUE(left.count(CompileCache::entryName(keyOf('4'))) ||
              left.count(CompileCache::entryName(keyOf('1'))));
  EXPECT_EQ(diags.warnings(), 0u) << diags.log;
}

TEST(CompileCacheTest, SizesTakeSuffixesAndZeroTurnsTheCacheOff) {
  EXPECT_EQ(parseCacheSize("0"), 0u);
  EXPECT_EQ(parseCacheSize("1234"), 1234u);
  EXPECT_EQ(parseCacheSize("64K"), 64u << 10);
  EXPECT_EQ(parseCacheSize("512M"), 512u << 20);
  EXPECT_EQ(parseCacheSize("512MiB"), 512u << 20);
  EXPECT_EQ(parseCacheSize("2g"), uint64_t(2) << 30);
  EXPECT_EQ(parseCacheSize("1T"), uint64_t(1) << 40);
  EXPECT_EQ(parseCacheSize("10B"), 10u);
  for (const char *bad : {"", "M", "-1", "1.5G", "12Q", "99999999999999999999",
                          "20000000000T", "1 G B"})
    EXPECT_FALSE(parseCacheSize(bad)) << bad;

  Scratch scratch;
  Diags diags;
  EXPECT_FALSE(CompileCache::open(scratch / "off", diags.engine, 0));
  EXPECT_FALSE(llvm::sys::fs::exists(scratch / "off"));
  EXPECT_EQ(diags.warnings(), 0u);

  ::setenv("SNNC_CACHE_MAX_SIZE", "lots", 1);
  EXPECT_EQ(cacheSizeLimit(diags.engine), kDefaultCacheMaxBytes);
  EXPECT_EQ(diags.warnings(), 1u);
  ::setenv("SNNC_CACHE_MAX_SIZE", "3M", 1);
  EXPECT_EQ(cacheSizeLimit(diags.engine), 3u << 20);
  ::unsetenv("SNNC_CACHE_MAX_SIZE");
  EXPECT_EQ(cacheSizeLimit(diags.engine), kDefaultCacheMaxBytes);
}

// ---------------------------------------------------------------------------
// The cache under Simulation: what a run does with what it finds
// ---------------------------------------------------------------------------

/// A small driven population; `threshold` is compiled in (--specialize),
/// so two thresholds are two programs with the same buffer layout.
std::string model(const std::string &threshold) {
  return "neuron LIF {\n"
         "  param tau = 10 ms\n"
         "  param V_th = " +
         threshold +
         "\n"
         "  state V : mV = 0 mV\n"
         "  input I : mA\n"
         "  dV/dt = (-V + 1 ohm * I) / tau\n"
         "  spike V >= V_th\n"
         "  reset hard to 0 mV\n"
         "}\n"
         "population P = LIF(20)\n"
         "drive P.I = 20 mA\n"
         "run 50 ms dt 0.1 ms seed 1 {\n  record P.spike\n}\n";
}

struct RunResult {
  bool ok = false, cacheHit = false;
  std::vector<int32_t> steps;
  std::string log;
  unsigned warnings = 0;
};

RunResult run(const std::string &text, const std::string &cacheDirectory) {
  Diags diags;
  RunResult result;
  std::optional<model::Model> loaded =
      loadModelFromString(text, "test.snn", diags.engine);
  if (!loaded)
    return result;
  SimulationOptions options;
  options.showProgress = false;
  options.specializeParameters = true;
  options.cacheDirectory = cacheDirectory;
  std::unique_ptr<Simulation> sim =
      Simulation::create(*loaded, options, diags.engine);
  result.log = diags.log;
  if (!sim)
    return result;
  sim->run(sim->totalSteps());
  result.ok = true;
  result.cacheHit = sim->compileTimes().cacheHit;
  result.steps = sim->spikes().at(0).steps;
  result.log = diags.log;
  result.warnings = diags.warnings();
  return result;
}

/// The one entry that appeared in `directory` since `before`.
std::string newEntry(const std::string &directory,
                     const std::set<std::string> &before) {
  std::string found;
  for (const std::string &name : listing(directory))
    if (!before.count(name) && llvm::StringRef(name).ends_with(".o"))
      found = directory + "/" + name;
  return found;
}

TEST(CompileCacheTest, AnObjectOfAnotherProgramPlantedAtTheKeyDoesNotRun) {
  Scratch scratch;
  std::string cache = scratch / "cache";
  RunResult low = run(model("10 mV"), cache);
  ASSERT_TRUE(low.ok) << low.log;
  std::string lowEntry = newEntry(cache, {});
  RunResult high = run(model("15 mV"), cache);
  ASSERT_TRUE(high.ok) << high.log;
  std::string highEntry =
      newEntry(cache, {llvm::sys::path::filename(lowEntry).str()});
  ASSERT_FALSE(lowEntry.empty());
  ASSERT_FALSE(highEntry.empty());
  ASSERT_NE(low.steps, high.steps) << "the two programs must differ";

  // The 10 mV program where the 15 mV one belongs: same layout, other code.
  writeFile(highEntry, readFile(lowEntry));
  RunResult planted = run(model("15 mV"), cache);
  ASSERT_TRUE(planted.ok) << planted.log;
  EXPECT_FALSE(planted.cacheHit);
  EXPECT_EQ(planted.steps, high.steps);
  EXPECT_EQ(planted.warnings, 1u) << planted.log;
  EXPECT_NE(planted.log.find("discarding compile cache entry"),
            std::string::npos)
      << planted.log;
  // Replaced by the right one.
  EXPECT_TRUE(readFile(highEntry) != readFile(lowEntry));
  RunResult again = run(model("15 mV"), cache);
  EXPECT_TRUE(again.cacheHit);
  EXPECT_EQ(again.steps, high.steps);
  EXPECT_EQ(again.warnings, 0u) << again.log;
}

TEST(CompileCacheTest, ACorruptedEntryIsCompiledAgainWithAWarning) {
  Scratch scratch;
  std::string cache = scratch / "cache";
  RunResult first = run(model("10 mV"), cache);
  ASSERT_TRUE(first.ok) << first.log;
  std::string entry = newEntry(cache, {});
  ASSERT_FALSE(entry.empty());
  std::string bytes = readFile(entry);
  bytes[bytes.size() / 2] ^= 0x01;
  writeFile(entry, bytes);
  RunResult second = run(model("10 mV"), cache);
  ASSERT_TRUE(second.ok) << second.log;
  EXPECT_FALSE(second.cacheHit);
  EXPECT_EQ(second.steps, first.steps);
  EXPECT_NE(second.log.find("warning: discarding compile cache entry"),
            std::string::npos)
      << second.log;
  EXPECT_TRUE(run(model("10 mV"), cache).cacheHit);
}

TEST(CompileCacheTest, LinksPlantedWhereTheCacheWritesAreNotFollowed) {
  Scratch scratch;
  std::string cache = scratch / "cache";
  RunResult first = run(model("10 mV"), cache);
  ASSERT_TRUE(first.ok) << first.log;
  std::string entry = newEntry(cache, {});
  ASSERT_FALSE(entry.empty());
  ASSERT_EQ(::unlink(entry.c_str()), 0);
  // At the entry's name, and at the temporary name a writer that names it
  // by its process id would use (this process writes the entry).
  std::string victim = scratch / "victim", other = scratch / "other";
  writeFile(victim, "precious");
  writeFile(other, "also precious");
  std::string temporary = entry + ".tmp." + std::to_string(::getpid());
  ASSERT_EQ(::symlink(victim.c_str(), temporary.c_str()), 0);
  ASSERT_EQ(::symlink(other.c_str(), entry.c_str()), 0);
  RunResult second = run(model("10 mV"), cache);
  ASSERT_TRUE(second.ok) << second.log;
  EXPECT_EQ(second.steps, first.steps);
  EXPECT_TRUE(readFile(victim) == "precious") << "the link was followed";
  EXPECT_TRUE(readFile(other) == "also precious") << "the link was followed";
  struct stat status;
  ASSERT_EQ(::lstat(entry.c_str(), &status), 0);
  EXPECT_TRUE(S_ISREG(status.st_mode));
  EXPECT_TRUE(run(model("10 mV"), cache).cacheHit);
}

TEST(CompileCacheTest, ASharedDirectoryIsRefusedAndTheRunStillWorks) {
  Scratch scratch;
  std::string shared = scratch / "shared";
  ASSERT_EQ(::mkdir(shared.c_str(), 0700), 0);
  ASSERT_EQ(::chmod(shared.c_str(), 0777), 0);
  RunResult reference = run(model("10 mV"), "");
  RunResult refused = run(model("10 mV"), shared);
  ASSERT_TRUE(refused.ok) << refused.log;
  EXPECT_EQ(refused.steps, reference.steps);
  EXPECT_EQ(refused.warnings, 1u) << refused.log;
  EXPECT_NE(refused.log.find("not using the compile cache"), std::string::npos)
      << refused.log;
  EXPECT_TRUE(listing(shared).empty());
}

} // namespace
