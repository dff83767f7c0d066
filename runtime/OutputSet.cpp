//===- OutputSet.cpp - The files of one run, made visible together --------===//
//
// Everything is written under a temporary directory created with mkdtemp
// inside the output directory, so that the final renames never cross a
// filesystem and the output directory is not touched before commit().
// The order of commit() is what makes an interrupted commit visible: the
// old manifest goes first, the new one comes last (OutputSet.h).
//
//===----------------------------------------------------------------------===//
#include "snnc/runtime/OutputSet.h"

#include "snnc/runtime/NpyWriter.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace snnc::rt {

namespace {

std::string errnoText() { return std::strerror(errno); }

std::string quoted(const std::string &path) { return "'" + path + "'"; }

/// `directory`/`name`, without doubling a slash the directory ends with.
std::string join(const std::string &directory, const std::string &name) {
  if (!directory.empty() && directory.back() == '/')
    return directory + name;
  return directory + "/" + name;
}

/// The directory holding `path` ("." for a bare name), after dropping
/// trailing slashes; "" once there is nothing above.
std::string parentOf(std::string path) {
  while (path.size() > 1 && path.back() == '/')
    path.pop_back();
  if (path == "/" || path == ".")
    return "";
  size_t slash = path.rfind('/');
  if (slash == std::string::npos)
    return ".";
  if (slash == 0)
    return "/";
  return path.substr(0, slash);
}

/// A name a manifest may list: a plain file name in the directory itself.
bool isPlainName(const std::string &name) {
  return !name.empty() && name != "." && name != ".." &&
         name.find('/') == std::string::npos &&
         name.find('\0') == std::string::npos;
}

/// Removes the files in `path`, then `path` itself. The directories this
/// removes hold only files this code wrote, so one level is enough.
void removeTree(const std::string &path) {
  if (DIR *dir = ::opendir(path.c_str())) {
    while (const dirent *entry = ::readdir(dir)) {
      std::string name = entry->d_name;
      if (name != "." && name != "..")
        ::unlink((path + "/" + name).c_str());
    }
    ::closedir(dir);
  }
  ::rmdir(path.c_str());
}

/// The prefix of a temporary directory of this process.
std::string temporaryStem(const std::string &directory) {
  return join(directory, OutputSet::temporaryPrefix) +
         std::to_string(::getpid()) + "-";
}

/// Removes temporary directories of processes that no longer exist: what
/// a SIGKILL during a write leaves behind.
void removeAbandoned(const std::string &directory) {
  DIR *dir = ::opendir(directory.c_str());
  if (!dir)
    return;
  std::vector<std::string> abandoned;
  size_t prefixLength = std::strlen(OutputSet::temporaryPrefix);
  while (const dirent *entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    if (name.compare(0, prefixLength, OutputSet::temporaryPrefix) != 0)
      continue;
    char *end = nullptr;
    long pid = std::strtol(name.c_str() + prefixLength, &end, 10);
    if (pid <= 0 || !end || *end != '-')
      continue;
    if (::kill(pid_t(pid), 0) != 0 && errno == ESRCH)
      abandoned.push_back(join(directory, name));
  }
  ::closedir(dir);
  for (const std::string &path : abandoned)
    removeTree(path);
}

/// Size and CRC-32 of a file's contents.
Status digest(const std::string &path, uint64_t &size, uint32_t &crc) {
  std::FILE *file = std::fopen(path.c_str(), "rb");
  if (!file)
    return Status::error("cannot read " + quoted(path) + ": " + errnoText());
  std::vector<char> buffer(1 << 20);
  size = 0;
  crc = 0;
  size_t got;
  while ((got = std::fread(buffer.data(), 1, buffer.size(), file)) > 0) {
    crc = crc32(buffer.data(), got, crc);
    size += got;
  }
  bool failed = std::ferror(file);
  std::fclose(file);
  if (failed)
    return Status::error("cannot read " + quoted(path) + ": " + errnoText());
  return Status::success();
}

/// Writes `text` to a new file at `path` and syncs it.
Status writeSynced(const std::string &path, const std::string &text) {
  int fd = ::open(path.c_str(),
                  O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (fd < 0)
    return Status::error("cannot write " + quoted(path) + ": " + errnoText());
  size_t written = 0;
  while (written < text.size()) {
    ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      std::string why = errnoText();
      ::close(fd);
      return Status::error("cannot write " + quoted(path) + ": " + why);
    }
    written += size_t(n);
  }
  if (::fsync(fd) != 0) {
    std::string why = errnoText();
    ::close(fd);
    return Status::error("cannot write " + quoted(path) + ": " + why);
  }
  if (::close(fd) != 0)
    return Status::error("cannot write " + quoted(path) + ": " + errnoText());
  return Status::success();
}

/// The files an existing manifest lists; none when there is no manifest.
std::vector<std::string> listedIn(const std::string &manifest) {
  std::vector<std::string> names;
  std::FILE *file = std::fopen(manifest.c_str(), "r");
  if (!file)
    return names;
  char line[4096];
  // A manifest lists a few files; a huge one is not ours.
  for (int count = 0; count < 1000 && std::fgets(line, sizeof line, file);
       ++count) {
    std::string text = line;
    if (text.empty() || text[0] == '#')
      continue;
    std::string name = text.substr(0, text.find_first_of(" \t\r\n"));
    if (isPlainName(name) && name != OutputSet::manifestName)
      names.push_back(name);
  }
  std::fclose(file);
  return names;
}

char hexDigit(unsigned value) { return "0123456789abcdef"[value & 15]; }

std::string hex32(uint32_t value) {
  std::string text(8, '0');
  for (int i = 7; i >= 0; --i, value >>= 4)
    text[i] = hexDigit(value);
  return text;
}

} // namespace

Status OutputSet::checkDirectory(const std::string &directory) {
  if (directory.empty())
    return Status::error("the output directory is an empty path");
  struct stat info;
  if (::stat(directory.c_str(), &info) == 0) {
    if (!S_ISDIR(info.st_mode))
      return Status::error("output directory " + quoted(directory) +
                           " is not a directory");
    // What begin() does first, undone at once: the one test that also
    // knows about read-only filesystems, ACLs and root.
    std::string probe = temporaryStem(directory) + "XXXXXX";
    if (!::mkdtemp(probe.data()))
      return Status::error("cannot write to output directory " +
                           quoted(directory) + ": " + errnoText());
    ::rmdir(probe.c_str());
    return Status::success();
  }
  if (errno != ENOENT && errno != ENOTDIR)
    return Status::error("cannot use output directory " + quoted(directory) +
                         ": " + errnoText());
  // Missing: it can be created if its nearest existing ancestor is a
  // directory we can create directories in.
  for (std::string path = parentOf(directory); !path.empty();
       path = parentOf(path)) {
    if (::stat(path.c_str(), &info) != 0) {
      if (errno == ENOENT || errno == ENOTDIR)
        continue;
      return Status::error("cannot create output directory " +
                           quoted(directory) + ": " + quoted(path) + ": " +
                           errnoText());
    }
    if (!S_ISDIR(info.st_mode))
      return Status::error("cannot create output directory " +
                           quoted(directory) + ": " + quoted(path) +
                           " is not a directory");
    // A directory created and removed at once: what begin() will do
    // there, so that read-only filesystems and root count too.
    std::string probe = temporaryStem(path) + "XXXXXX";
    if (!::mkdtemp(probe.data()))
      return Status::error("cannot create output directory " +
                           quoted(directory) + " in " + quoted(path) + ": " +
                           errnoText());
    ::rmdir(probe.c_str());
    return Status::success();
  }
  return Status::error("cannot create output directory " + quoted(directory));
}

OutputSet::OutputSet(std::string directory, std::vector<std::string> owned)
    : directory(std::move(directory)), owned(std::move(owned)) {}

OutputSet::~OutputSet() {
  if (!committed)
    discard();
}

Status OutputSet::begin() {
  if (!temporary.empty())
    return Status::error("output set already begun");
  Status status = checkDirectory(directory);
  if (!status.ok())
    return status;
  // Create the missing directories one by one, from the top.
  std::vector<std::string> missing;
  struct stat info;
  for (std::string path = directory;
       !path.empty() && ::stat(path.c_str(), &info) != 0; path = parentOf(path))
    missing.push_back(path);
  for (auto it = missing.rbegin(); it != missing.rend(); ++it)
    if (::mkdir(it->c_str(), 0777) != 0 && errno != EEXIST)
      return Status::error("cannot create output directory " + quoted(*it) +
                           ": " + errnoText());
  removeAbandoned(directory);
  std::string path = temporaryStem(directory) + "XXXXXX";
  if (!::mkdtemp(path.data()))
    return Status::error("cannot write to output directory " +
                         quoted(directory) + ": " + errnoText());
  temporary = path;
  return Status::success();
}

std::string OutputSet::pathFor(const std::string &name) {
  if (std::find(names.begin(), names.end(), name) == names.end())
    names.push_back(name);
  return temporary + "/" + name;
}

void OutputSet::discard() {
  if (temporary.empty())
    return;
  removeTree(temporary);
  temporary.clear();
}

std::vector<std::string> OutputSet::finalPaths() const {
  std::vector<std::string> paths;
  for (const std::string &name : names)
    paths.push_back(join(directory, name));
  paths.push_back(join(directory, manifestName));
  return paths;
}

std::string OutputSet::finalNames(std::string message) const {
  if (temporary.empty())
    return message;
  std::string from = temporary + "/";
  std::string to = join(directory, "");
  for (size_t at = message.find(from); at != std::string::npos;
       at = message.find(from, at + to.size()))
    message.replace(at, from.size(), to);
  return message;
}

Status OutputSet::commit(const std::atomic<bool> *stop) {
  if (temporary.empty())
    return Status::error("output set not begun");
  for (const std::string &name : names)
    if (!isPlainName(name) || name == manifestName) {
      discard();
      return Status::error("invalid output file name " + quoted(name));
    }

  // 1. The manifest, beside the files it lists.
  std::string manifest = "# snnc-manifest 1: the files of one run, written "
                         "together\n# name bytes crc32\n";
  for (const std::string &name : names) {
    uint64_t size = 0;
    uint32_t crc = 0;
    Status status = digest(temporary + "/" + name, size, crc);
    if (!status.ok()) {
      discard();
      return status;
    }
    manifest += name + " " + std::to_string(size) + " " + hex32(crc) + "\n";
  }
  Status status = writeSynced(temporary + "/" + manifestName, manifest);
  if (!status.ok()) {
    discard();
    return status;
  }

  // The last moment to stop with the output directory untouched.
  if (stop && stop->load()) {
    discard();
    return Status::error("interrupted before the files were moved into "
                         "place; " +
                         quoted(directory) + " is unchanged");
  }

  // One commit at a time in a directory; without flock (some network
  // filesystems) commits still work, only not serialised.
  int dirFd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirFd >= 0)
    while (::flock(dirFd, LOCK_EX) != 0 && errno == EINTR) {
    }
  auto fail = [&](const std::string &message) {
    if (dirFd >= 0)
      ::close(dirFd);
    discard();
    return Status::error(message);
  };
  std::string finalManifest = join(directory, manifestName);
  std::vector<std::string> previous = listedIn(finalManifest);
  previous.insert(previous.end(), owned.begin(), owned.end());

  // 2. From here on, no manifest until the new one is in place.
  if (::unlink(finalManifest.c_str()) != 0 && errno != ENOENT)
    return fail("cannot replace " + quoted(finalManifest) + ": " + errnoText() +
                "; " + quoted(directory) + " keeps the previous files");
  std::string incomplete = "; " + quoted(directory) +
                           " holds an incomplete set (no " + manifestName + ")";

  // 3. Stale files of the previous set, then the new files.
  for (const std::string &name : previous) {
    if (!isPlainName(name) ||
        std::find(names.begin(), names.end(), name) != names.end())
      continue;
    std::string path = join(directory, name);
    if (::unlink(path.c_str()) != 0 && errno != ENOENT)
      return fail("cannot remove " + quoted(path) + ": " + errnoText() +
                  incomplete);
  }
  for (const std::string &name : names) {
    std::string from = temporary + "/" + name, to = join(directory, name);
    if (::rename(from.c_str(), to.c_str()) != 0)
      return fail("cannot rename " + quoted(from) + " to " + quoted(to) + ": " +
                  errnoText() + incomplete);
  }

  // 4. The manifest last: its presence says the set is complete.
  std::string from = temporary + "/" + manifestName;
  if (::rename(from.c_str(), finalManifest.c_str()) != 0)
    return fail("cannot rename " + quoted(from) + " to " +
                quoted(finalManifest) + ": " + errnoText() + incomplete);
  if (dirFd >= 0) {
    ::fsync(dirFd);
    ::close(dirFd);
  }
  ::rmdir(temporary.c_str());
  temporary.clear();
  committed = true;
  return Status::success();
}

} // namespace snnc::rt
