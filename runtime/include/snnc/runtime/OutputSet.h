//===- OutputSet.h - The files of a run, made visible together -*- C++ -*-===//
//
// The files a run writes (spikes.npz, states.npz) belong together: a reader
// must never find the spikes of one run beside the states of another, nor
// half a file. An OutputSet writes every file of a run into a fresh
// temporary directory inside the output directory (`OUT/.snnc-tmp-PID-
// XXXXXX`, on the same filesystem, so that renames out of it are atomic)
// and leaves the output directory untouched until commit(), which, once
// every file was written and synced:
//
//   1. writes the manifest `snnc-manifest.txt` beside them, one line per
//      file with its size in bytes and the CRC-32 of its contents;
//   2. removes the previous manifest: from here to step 4 the directory
//      has none, so a commit cut short (SIGKILL, power loss) shows;
//   3. removes the files a previous set held that this one does not (an
//      old states.npz when this run records no states), then renames the
//      new files over the old ones;
//   4. renames the new manifest into place, syncs the directory and
//      removes the temporary one.
//
// So after a commit the output directory holds exactly the files of this
// set, listed in its manifest; after any failure before step 2, or a
// discard(), it holds exactly what it held before. Commits into one
// directory are serialised by an flock() on it. Temporary directories
// left by a process that was killed are removed by the next OutputSet in
// the same directory.
//
// Plain POSIX and the standard library; signals are the caller's business
// (the snnc tool defers SIGINT and SIGTERM while an OutputSet is open).
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_OUTPUTSET_H
#define SNNC_RUNTIME_OUTPUTSET_H

#include "snnc/runtime/Status.h"

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace snnc::rt {

class OutputSet {
public:
  /// The manifest of the set, in the output directory.
  static constexpr const char *manifestName = "snnc-manifest.txt";
  /// How the temporary directories inside the output directory begin.
  static constexpr const char *temporaryPrefix = ".snnc-tmp-";

  /// Checks, changing nothing, that `directory` is a directory this
  /// process can create files in, or that it can be created (its nearest
  /// existing ancestor is a writable directory). For a check before a
  /// long run, so that a bad -o is reported before the work, not after.
  static Status checkDirectory(const std::string &directory);

  /// A set to be written into `directory`. `owned` names the files a set
  /// in this directory may hold besides those listed in an earlier
  /// manifest; commit() removes those this set does not write.
  explicit OutputSet(std::string directory,
                     std::vector<std::string> owned = {});
  OutputSet(const OutputSet &) = delete;
  OutputSet &operator=(const OutputSet &) = delete;
  /// Discards the set unless it was committed.
  ~OutputSet();

  /// Creates the output directory if it is missing, and the temporary
  /// directory in it.
  Status begin();

  /// Where to write the file `name` (a plain file name, no '/'): a path in
  /// the temporary directory. The file becomes part of the set; it must
  /// exist when commit() is called.
  std::string pathFor(const std::string &name);

  /// Makes the set visible as described above. On failure the temporary
  /// directory is removed and the message says what the output directory
  /// holds. `stop` (a flag a signal handler sets) is read once more when
  /// everything is written, before the output directory changes: if set,
  /// the set is discarded and the error says "interrupted".
  Status commit(const std::atomic<bool> *stop = nullptr);

  /// Removes the temporary directory and everything in it; the output
  /// directory keeps what it held. Safe to call more than once.
  void discard();

  /// The final paths of the set's files, in the order of pathFor(), then
  /// the manifest.
  std::vector<std::string> finalPaths() const;

  /// `message` (a writer's error) with paths in the temporary directory
  /// named by their final paths, which are what the user knows.
  std::string finalNames(std::string message) const;

private:
  std::string directory, temporary;
  std::vector<std::string> owned, names;
  bool committed = false;
};

} // namespace snnc::rt

#endif // SNNC_RUNTIME_OUTPUTSET_H
