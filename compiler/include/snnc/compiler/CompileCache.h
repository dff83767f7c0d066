//===- CompileCache.h - Machine code kept between runs ----------*- C++ -*-===//
//
// The persistent compile cache: a directory of objects, one per program,
// that a later run links instead of compiling again. What it reads is
// mapped executable and called, so nothing in it is trusted on its face:
//
//   - only a directory owned by the current user and writable by no one
//     else is used (anything else is refused with a warning, and the run
//     compiles in memory);
//   - every entry starts with a header (magic, format version, the digest
//     of the key it was stored under, the digest of the buffer layout of
//     the program, the SHA-256 of the object bytes), all checked before
//     the object is handed out; an entry that does not verify is removed;
//   - entries are written to a fresh file (O_EXCL | O_NOFOLLOW, mode 0600)
//     and renamed into place, so no reader sees half an entry and no
//     planted link is followed; a write that fails is a warning;
//   - the directory is held to a size cap (SNNC_CACHE_MAX_SIZE, default
//     512 MiB), least recently used entries going first.
//
// The digests catch damage and entries that belong to another program;
// they are not signatures: whoever can write the directory could forge
// them, which is why the directory must be the user's own.
//
// Plain POSIX and LLVM Support (no MLIR): the key is computed from the
// program's text, which the caller prints.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_COMPILER_COMPILECACHE_H
#define SNNC_COMPILER_COMPILECACHE_H

#include "snnc/compiler/ProgramLayout.h"
#include "snnc/dsl/Diagnostics.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace snnc {

/// The size cap when SNNC_CACHE_MAX_SIZE is not set: 512 MiB.
constexpr uint64_t kDefaultCacheMaxBytes = uint64_t(512) << 20;

/// Parses a cache size: a whole number of bytes, optionally followed by
/// K, M, G or T (powers of 1024; "KiB", "MB" and lower case are accepted
/// too). Nothing on a malformed or overflowing value.
std::optional<uint64_t> parseCacheSize(llvm::StringRef text);

/// The cap from $SNNC_CACHE_MAX_SIZE, else kDefaultCacheMaxBytes; a
/// malformed value is a warning and the default. 0 disables the cache.
uint64_t cacheSizeLimit(DiagnosticEngine &diags);

/// What the calling convention of a compiled program depends on: the
/// number, order, element types and sizes of its buffers, the precision,
/// the threads and the steps per chunk it was built for. An entry is
/// linked only for a program with the same signature.
std::string layoutSignature(const ProgramLayout &layout);

/// Names a cache entry (64 hex digits): a digest of `program` (the
/// program as generated, which holds every constant and static shape, but
/// not the values of run-time parameters: those are data), `target` (the
/// target machine and its features), the compiler build (the file of
/// compilerBuildFile()) and the LLVM version.
std::string compileCacheKey(llvm::StringRef program, llvm::StringRef target);

/// The file the compiler's code was loaded from, as an absolute path:
/// libsnnc.so in a program linked with the shared library, else the
/// executable the compiler is linked into. Its size and time of last
/// change stand for the compiler build in every key (compileCacheKey), so
/// a rebuilt or reinstalled library does not reuse entries of the old one
/// whichever program loads it. Empty if it cannot be found.
std::string compilerBuildFile();

/// What a lookup found.
struct CacheLookup {
  /// The verified object bytes on a hit; null otherwise.
  std::unique_ptr<llvm::MemoryBuffer> object;
  /// Why an entry that was there is not used ("its digest does not
  /// match"); empty on a hit and when there was none.
  std::string rejected;
};

/// An open cache directory (CompileCache.h's banner has the rules).
class CompileCache {
public:
  /// Opens the cache in `directory`, creating it (mode 0700) if needed,
  /// with a cap of `maxBytes` (by default cacheSizeLimit()). Null when the
  /// cap is 0, and, after a one-line warning, when the directory cannot be
  /// created or is not safe to use.
  static std::unique_ptr<CompileCache>
  open(llvm::StringRef directory, DiagnosticEngine &diags,
       std::optional<uint64_t> maxBytes = std::nullopt);
  ~CompileCache();
  CompileCache(const CompileCache &) = delete;
  CompileCache &operator=(const CompileCache &) = delete;

  /// The entry for `key`, verified against the key, `layout` (a
  /// layoutSignature) and its digest. A hit refreshes the entry's time of
  /// use; an entry of ours that does not verify is removed.
  CacheLookup lookup(llvm::StringRef key, llvm::StringRef layout);

  /// Stores `object` for `key` and `layout`, then evicts down to the cap.
  /// False, after a one-line warning, when the entry cannot be written
  /// (nothing is left behind).
  bool store(llvm::StringRef key, llvm::StringRef layout,
             llvm::StringRef object, DiagnosticEngine &diags);

  /// Removes the least recently used entries until the entries together
  /// take at most the cap, and temporary files that a killed writer left
  /// (older than an hour). Only names of the cache's own form are ever
  /// removed: KEY.o, and KEY.o.tmp.SUFFIX.
  void evict();

  /// The file name of the entry for `key`.
  static std::string entryName(llvm::StringRef key);
  /// Bytes of an entry's header, before the object.
  static constexpr size_t kHeaderBytes = 128;

  const std::string &directory() const { return path; }
  uint64_t maxBytes() const { return cap; }

private:
  CompileCache(std::string path, int directoryFd, uint64_t cap)
      : path(std::move(path)), directoryFd(directoryFd), cap(cap) {}
  std::string path;
  /// Every access goes through this descriptor (openat, renameat): what
  /// was checked is what is used, even if the path is changed under us.
  int directoryFd;
  uint64_t cap;
};

} // namespace snnc

#endif // SNNC_COMPILER_COMPILECACHE_H
