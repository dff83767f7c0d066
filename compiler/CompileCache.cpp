//===- CompileCache.cpp - Machine code kept between runs ------------------===//
//
// The directory is opened once and checked (owner, mode) through the open
// descriptor; every entry is then read, written, renamed and removed
// relative to that descriptor, so a path swapped after the check cannot
// redirect anything. An entry is read whole, bounded, and verified before
// a byte of it leaves this file. Failures to write are warnings: the cache
// only saves time, it never decides whether a run works.
//
//===----------------------------------------------------------------------===//

#include "snnc/compiler/CompileCache.h"

#include "snnc/Simulation.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/SHA256.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <random>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <link.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace snnc;

namespace {

/// The entry format: this header, then the object bytes.
///
///   0   8  magic "snnc-obj"
///   8   4  format version (little endian)
///   12  4  header bytes (128)
///   16  8  object bytes
///   24  32 SHA-256 of the key the entry was stored under
///   56  32 SHA-256 of the program's layout signature
///   88  32 SHA-256 of the object bytes
///   120 8  zero
constexpr char kMagic[8] = {'s', 'n', 'n', 'c', '-', 'o', 'b', 'j'};
constexpr uint32_t kFormatVersion = 1;
constexpr size_t kKeyDigestAt = 24, kLayoutDigestAt = 56, kObjectDigestAt = 88;
static_assert(kObjectDigestAt + 32 + 8 == CompileCache::kHeaderBytes);

/// No program's object comes near this; a larger file is not read.
constexpr uint64_t kMaxEntryBytes = uint64_t(1) << 30;

/// A temporary file older than this belongs to a writer that died.
constexpr time_t kStaleTemporarySeconds = 3600;

using Digest = std::array<uint8_t, 32>;

Digest sha256(llvm::StringRef bytes) {
  return llvm::SHA256::hash(llvm::ArrayRef<uint8_t>(
      reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size()));
}

/// strerror, in the lower case of snnc's messages.
std::string reason(int error) {
  std::string text = std::error_code(error, std::generic_category()).message();
  if (!text.empty())
    text[0] = llvm::toLower(text[0]);
  return text;
}

bool isKey(llvm::StringRef text) {
  return text.size() == 64 && llvm::all_of(text, [](char c) {
           return llvm::isDigit(c) || (c >= 'a' && c <= 'f');
         });
}

/// KEY.o.
bool isEntryName(llvm::StringRef name) {
  return name.consume_back(".o") && isKey(name);
}

/// KEY.o.tmp.SUFFIX, SUFFIX letters and digits (older snnc used the pid).
bool isTemporaryName(llvm::StringRef name) {
  size_t at = name.find(".o.tmp.");
  if (at == llvm::StringRef::npos || !isKey(name.take_front(at)))
    return false;
  llvm::StringRef suffix = name.drop_front(at + 7);
  return !suffix.empty() && llvm::all_of(suffix, llvm::isAlnum);
}

/// Which build of the compiler runs: the size and time of last change of
/// the file its code was loaded from. The key is the program as generated,
/// before the passes, so a rebuilt compiler (whose passes may lower the
/// same program otherwise) must not reuse entries of an older one.
std::string compilerIdentity() {
  llvm::sys::fs::file_status status;
  std::string file = compilerBuildFile();
  if (file.empty() || llvm::sys::fs::status(file, status))
    return "unknown";
  return std::to_string(status.getSize()) + "@" +
         std::to_string(
             status.getLastModificationTime().time_since_epoch().count());
}

bool writeAll(int fd, const char *data, size_t size, int &error) {
  while (size > 0) {
    ssize_t written = ::write(fd, data, size);
    if (written < 0) {
      if (errno == EINTR)
        continue;
      error = errno;
      return false;
    }
    if (written == 0) {
      error = EIO;
      return false;
    }
    data += written;
    size -= static_cast<size_t>(written);
  }
  return true;
}

bool readAll(int fd, char *data, size_t size) {
  size_t done = 0;
  while (done < size) {
    ssize_t got = ::pread(fd, data + done, size - done, done);
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      return false;
    done += static_cast<size_t>(got);
  }
  return true;
}

/// A name no one can guess: planted files or links never collide with it,
/// and O_EXCL refuses it if one does.
std::string randomSuffix() {
  std::random_device device;
  std::string suffix;
  for (int i = 0; i < 3; ++i)
    suffix += llvm::formatv("{0:x-8}", device()).str();
  return suffix;
}

} // namespace

std::string snnc::compilerBuildFile() {
  // The loaded object whose segments hold this very function: libsnnc.so
  // in a program linked with the shared library, the executable when the
  // compiler is linked in statically. The executable itself is listed
  // without a name.
  struct Search {
    uintptr_t address = 0;
    bool found = false;
    std::string name;
  } search;
  search.address = reinterpret_cast<uintptr_t>(&snnc::compilerBuildFile);
  dl_iterate_phdr(
      [](dl_phdr_info *info, size_t, void *data) {
        Search &search = *static_cast<Search *>(data);
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const ElfW(Phdr) &segment = info->dlpi_phdr[i];
          uintptr_t begin = info->dlpi_addr + segment.p_vaddr;
          if (segment.p_type == PT_LOAD && search.address >= begin &&
              search.address - begin < segment.p_memsz) {
            search.found = true;
            search.name = info->dlpi_name ? info->dlpi_name : "";
            return 1;
          }
        }
        return 0;
      },
      &search);
  if (!search.found)
    return "";
  llvm::SmallString<256> path;
  if (search.name.empty()) {
    // The main program: its path as the kernel knows it.
    path = llvm::sys::fs::getMainExecutable(nullptr, nullptr);
  } else if (llvm::sys::fs::real_path(search.name, path)) {
    path = search.name;
  }
  return std::string(path);
}

std::optional<uint64_t> snnc::parseCacheSize(llvm::StringRef text) {
  text = text.trim();
  size_t digits = 0;
  while (digits < text.size() && llvm::isDigit(text[digits]))
    ++digits;
  if (digits == 0)
    return std::nullopt;
  uint64_t value;
  if (text.take_front(digits).getAsInteger(10, value))
    return std::nullopt;
  llvm::StringRef unit = text.drop_front(digits).trim();
  unsigned shift = 0;
  if (!unit.empty()) {
    switch (llvm::toLower(unit.front())) {
    case 'b':
      shift = 0;
      unit = unit.drop_front(); // "B" alone: bytes
      if (!unit.empty())
        return std::nullopt;
      return value;
    case 'k':
      shift = 10;
      break;
    case 'm':
      shift = 20;
      break;
    case 'g':
      shift = 30;
      break;
    case 't':
      shift = 40;
      break;
    default:
      return std::nullopt;
    }
    unit = unit.drop_front();
    if (!unit.empty() && !unit.equals_insensitive("b") &&
        !unit.equals_insensitive("ib"))
      return std::nullopt;
  }
  if (shift > 0 && value > (UINT64_MAX >> shift))
    return std::nullopt;
  return value << shift;
}

uint64_t snnc::cacheSizeLimit(DiagnosticEngine &diags) {
  const char *text = std::getenv("SNNC_CACHE_MAX_SIZE");
  if (!text)
    return kDefaultCacheMaxBytes;
  if (std::optional<uint64_t> bytes = parseCacheSize(text))
    return *bytes;
  diags.warning(llvm::SMRange(),
                llvm::Twine("ignoring SNNC_CACHE_MAX_SIZE='") + text +
                    "': expected a size such as 512M (K, M, G: powers of "
                    "1024; 0 turns the cache off); using 512M");
  return kDefaultCacheMaxBytes;
}

std::string snnc::layoutSignature(const ProgramLayout &layout) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "layout 1 threads " << layout.threads << " chunk " << layout.chunkSteps
     << " real " << (layout.doublePrecision ? "f64" : "f32") << " params "
     << layout.params << " barrier " << layout.barrier << " buffers "
     << layout.buffers.size();
  for (const BufferSpec &buffer : layout.buffers) {
    const char *type = "?";
    switch (buffer.type) {
    case ElementType::Real:
      type = layout.doublePrecision ? "f64" : "f32";
      break;
    case ElementType::Int32:
      type = "i32";
      break;
    case ElementType::Int8:
      type = "i8";
      break;
    }
    os << " " << type << "x" << buffer.size;
  }
  return text;
}

std::string snnc::compileCacheKey(llvm::StringRef program,
                                  llvm::StringRef target) {
  std::string text = program.str();
  llvm::raw_string_ostream os(text);
  os << "\n"
     << target << "\nsnnc " << SNNC_VERSION << " build " << compilerIdentity()
     << " llvm " << LLVM_VERSION_STRING << " cache 3";
  return llvm::toHex(sha256(text), /*LowerCase=*/true);
}

std::string CompileCache::entryName(llvm::StringRef key) {
  return key.str() + ".o";
}

std::unique_ptr<CompileCache>
CompileCache::open(llvm::StringRef directory, DiagnosticEngine &diags,
                   std::optional<uint64_t> maxBytes) {
  uint64_t cap = maxBytes ? *maxBytes : cacheSizeLimit(diags);
  if (cap == 0 || directory.empty())
    return nullptr;
  std::string path = directory.str();
  auto refuse = [&](const llvm::Twine &why) -> std::unique_ptr<CompileCache> {
    diags.warning(llvm::SMRange(), "not using the compile cache '" + path +
                                       "': " + why + "; compiling in memory");
    return nullptr;
  };
  if (std::error_code error = llvm::sys::fs::create_directories(
          path, /*IgnoreExisting=*/true, llvm::sys::fs::perms::owner_all))
    return refuse("cannot create it (" + reason(error.value()) + ")");

  // A link to the directory is followed only if it is the user's own: a
  // link someone else made decides where our code comes from.
  uid_t user = ::geteuid();
  struct stat link;
  if (::lstat(path.c_str(), &link) != 0)
    return refuse(reason(errno));
  if (S_ISLNK(link.st_mode) && link.st_uid != user)
    return refuse(llvm::formatv("it is a symbolic link owned by another user "
                                "(uid {0})",
                                link.st_uid)
                      .str());

  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return refuse(reason(errno));
  struct stat status;
  std::string problem;
  if (::fstat(fd, &status) != 0)
    problem = reason(errno);
  else if (!S_ISDIR(status.st_mode))
    problem = "it is not a directory";
  else if (status.st_uid != user)
    problem =
        llvm::formatv("it is owned by another user (uid {0})", status.st_uid)
            .str();
  else if (status.st_mode & (S_IWGRP | S_IWOTH))
    problem = llvm::formatv("it is writable by group or others (mode {0}); "
                            "'chmod go-w' it or set SNNC_CACHE_DIR",
                            llvm::format("%04o", status.st_mode & 07777))
                  .str();
  if (!problem.empty()) {
    ::close(fd);
    return refuse(problem);
  }
  return std::unique_ptr<CompileCache>(
      new CompileCache(std::move(path), fd, cap));
}

CompileCache::~CompileCache() { ::close(directoryFd); }

CacheLookup CompileCache::lookup(llvm::StringRef key, llvm::StringRef layout) {
  CacheLookup result;
  if (!isKey(key))
    return result;
  std::string name = entryName(key);
  // O_NONBLOCK: a FIFO planted at the name must not hang the open.
  int fd = ::openat(directoryFd, name.c_str(),
                    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT)
      return result;
    if (errno == ELOOP) {
      // A link in our own directory: remove the link (never its target).
      struct stat link;
      if (::fstatat(directoryFd, name.c_str(), &link, AT_SYMLINK_NOFOLLOW) ==
              0 &&
          S_ISLNK(link.st_mode) && link.st_uid == ::geteuid())
        ::unlinkat(directoryFd, name.c_str(), 0);
      result.rejected = "it is a symbolic link";
      return result;
    }
    result.rejected = "it cannot be opened (" + reason(errno) + ")";
    return result;
  }
  struct stat status;
  if (::fstat(fd, &status) != 0) {
    result.rejected = reason(errno);
    ::close(fd);
    return result;
  }
  // Not a file of ours: leave it alone (a new entry is renamed over it).
  if (!S_ISREG(status.st_mode) || status.st_uid != ::geteuid()) {
    result.rejected = S_ISREG(status.st_mode) ? "it is owned by another user"
                                              : "it is not a regular file";
    ::close(fd);
    return result;
  }

  auto reject = [&](const std::string &why) {
    // Remove it only if the name still is the file we read: a valid entry
    // another run renamed there meanwhile stays.
    struct stat now;
    if (::fstatat(directoryFd, name.c_str(), &now, AT_SYMLINK_NOFOLLOW) == 0 &&
        now.st_dev == status.st_dev && now.st_ino == status.st_ino)
      ::unlinkat(directoryFd, name.c_str(), 0);
    ::close(fd);
    result.rejected = why;
    return std::move(result);
  };
  uint64_t size = static_cast<uint64_t>(status.st_size);
  if (size < kHeaderBytes)
    return reject("it is too short to be an entry");
  if (size > kMaxEntryBytes)
    return reject("it is larger than any compiled program");
  std::vector<char> bytes(size);
  if (!readAll(fd, bytes.data(), bytes.size()))
    return reject("it cannot be read");
  llvm::StringRef entry(bytes.data(), bytes.size());
  using namespace llvm::support;
  if (entry.take_front(8) != llvm::StringRef(kMagic, 8))
    return reject("it is not a compile cache entry");
  uint32_t version = endian::read32le(bytes.data() + 8);
  if (version != kFormatVersion)
    return reject(llvm::formatv("its format is version {0}, not {1}", version,
                                kFormatVersion));
  if (endian::read32le(bytes.data() + 12) != kHeaderBytes ||
      endian::read64le(bytes.data() + 16) != size - kHeaderBytes)
    return reject("its size does not match its header (truncated?)");
  auto digestAt = [&](size_t at) { return entry.substr(at, 32); };
  auto same = [](llvm::StringRef stored, const Digest &digest) {
    return stored ==
           llvm::StringRef(reinterpret_cast<const char *>(digest.data()), 32);
  };
  if (!same(digestAt(kKeyDigestAt), sha256(key)))
    return reject("it belongs to another program");
  if (!same(digestAt(kLayoutDigestAt), sha256(layout)))
    return reject("it was compiled for another buffer layout");
  llvm::StringRef object = entry.drop_front(kHeaderBytes);
  if (!same(digestAt(kObjectDigestAt), sha256(object)))
    return reject("it is damaged (its digest does not match)");

  // The time of last use, for eviction.
  ::futimens(fd, nullptr);
  ::close(fd);
  result.object =
      llvm::MemoryBuffer::getMemBufferCopy(object, path + "/" + name);
  return result;
}

bool CompileCache::store(llvm::StringRef key, llvm::StringRef layout,
                         llvm::StringRef object, DiagnosticEngine &diags) {
  if (!isKey(key))
    return false;
  std::string name = entryName(key);
  auto fail = [&](const std::string &why) {
    diags.warning(llvm::SMRange(), "cannot write to the compile cache '" +
                                       path + "': " + why +
                                       "; the next run compiles again");
    return false;
  };

  char header[kHeaderBytes] = {};
  std::memcpy(header, kMagic, 8);
  using namespace llvm::support;
  endian::write32le(header + 8, kFormatVersion);
  endian::write32le(header + 12, kHeaderBytes);
  endian::write64le(header + 16, object.size());
  Digest keyDigest = sha256(key), layoutDigest = sha256(layout),
         objectDigest = sha256(object);
  std::memcpy(header + kKeyDigestAt, keyDigest.data(), 32);
  std::memcpy(header + kLayoutDigestAt, layoutDigest.data(), 32);
  std::memcpy(header + kObjectDigestAt, objectDigest.data(), 32);

  // A fresh file: never an existing one, never through a link.
  std::string temporary;
  int fd = -1;
  for (int attempt = 0; attempt < 16 && fd < 0; ++attempt) {
    temporary = name + ".tmp." + randomSuffix();
    fd = ::openat(directoryFd, temporary.c_str(),
                  O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST)
      break;
  }
  if (fd < 0)
    return fail(reason(errno));
  int error = 0;
  bool written = writeAll(fd, header, sizeof(header), error) &&
                 writeAll(fd, object.data(), object.size(), error);
  if (::close(fd) != 0 && written) {
    written = false;
    error = errno;
  }
  if (!written) {
    ::unlinkat(directoryFd, temporary.c_str(), 0);
    return fail(reason(error));
  }
  if (::renameat(directoryFd, temporary.c_str(), directoryFd, name.c_str()) !=
      0) {
    error = errno;
    ::unlinkat(directoryFd, temporary.c_str(), 0);
    return fail(reason(error));
  }
  evict();
  return true;
}

void CompileCache::evict() {
  int listFd = ::dup(directoryFd);
  if (listFd < 0)
    return;
  DIR *listing = ::fdopendir(listFd);
  if (!listing) {
    ::close(listFd);
    return;
  }
  // The copy shares the descriptor's position: start from the top.
  ::rewinddir(listing);
  struct Entry {
    std::string name;
    struct timespec used;
    uint64_t bytes;
  };
  std::vector<Entry> entries;
  uint64_t total = 0;
  uid_t user = ::geteuid();
  time_t now = ::time(nullptr);
  while (struct dirent *item = ::readdir(listing)) {
    llvm::StringRef name(item->d_name);
    bool entry = isEntryName(name);
    if (!entry && !isTemporaryName(name))
      continue;
    struct stat status;
    if (::fstatat(directoryFd, item->d_name, &status, AT_SYMLINK_NOFOLLOW) !=
            0 ||
        !S_ISREG(status.st_mode) || status.st_uid != user)
      continue;
    if (!entry) {
      if (now - status.st_mtime > kStaleTemporarySeconds)
        ::unlinkat(directoryFd, item->d_name, 0);
      continue;
    }
    entries.push_back(
        {name.str(), status.st_mtim, static_cast<uint64_t>(status.st_size)});
    total += static_cast<uint64_t>(status.st_size);
  }
  ::closedir(listing);
  if (total <= cap)
    return;
  // Oldest use first; the name breaks ties, so the order is deterministic.
  llvm::sort(entries, [](const Entry &a, const Entry &b) {
    if (a.used.tv_sec != b.used.tv_sec)
      return a.used.tv_sec < b.used.tv_sec;
    if (a.used.tv_nsec != b.used.tv_nsec)
      return a.used.tv_nsec < b.used.tv_nsec;
    return a.name < b.name;
  });
  for (const Entry &entry : entries) {
    if (total <= cap)
      break;
    if (::unlinkat(directoryFd, entry.name.c_str(), 0) == 0 || errno == ENOENT)
      total -= entry.bytes;
  }
}

std::string snnc::defaultCacheDirectory() {
  if (const char *dir = std::getenv("SNNC_CACHE_DIR"))
    return dir;
  if (const char *xdg = std::getenv("XDG_CACHE_HOME"))
    return std::string(xdg) + "/snnc";
  if (const char *home = std::getenv("HOME"))
    return std::string(home) + "/.cache/snnc";
  return "";
}
