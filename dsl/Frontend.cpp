//===- Frontend.cpp - From .snn text to a typed model ---------------------===//
//
// Imports are merged into one module: every declaration keeps the location
// in its own file, so diagnostics name the imported file and line.
//
//===----------------------------------------------------------------------===//

#include "snnc/dsl/Frontend.h"

#include "snnc/dsl/Parser.h"
#include "snnc/dsl/Sema.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iterator>
#include <set>

using namespace snnc;

namespace {

/// Imports nested deeper than this are treated as a cycle in disguise.
constexpr unsigned maxImportDepth = 32;

template <typename T> void append(std::vector<T> &into, std::vector<T> &from) {
  into.insert(into.end(), std::make_move_iterator(from.begin()),
              std::make_move_iterator(from.end()));
}

void merge(ast::Module &into, ast::Module &from) {
  append(into.neurons, from.neurons);
  append(into.synapses, from.synapses);
  append(into.outputs, from.outputs);
  append(into.populations, from.populations);
  append(into.projections, from.projections);
  append(into.drives, from.drives);
  append(into.poissonInputs, from.poissonInputs);
  append(into.runs, from.runs);
}

class ImportResolver {
public:
  explicit ImportResolver(DiagnosticEngine &diags) : diags(diags) {}

  /// Parses buffer `bufferId`, then its imports, into `into`.
  void parseBuffer(unsigned bufferId, llvm::StringRef directory,
                   ast::Module &into, unsigned depth) {
    ast::Module module = parseModule(bufferId, diags);
    for (const ast::ImportDecl &import : module.imports) {
      llvm::SmallString<256> path(import.path);
      if (import.library) {
        std::optional<std::string> found = findLibraryModel(import.path);
        if (!found) {
          std::string known = llvm::join(libraryModelNames(), ", ");
          diags.error(import.range,
                      "snnc's model library has no model '" + import.path +
                          "'" +
                          (known.empty() ? std::string(" (and no models: is "
                                                       "it installed?)")
                                         : "; it has " + known));
          continue;
        }
        path = *found;
      } else if (!llvm::sys::path::is_absolute(path)) {
        path = directory;
        llvm::sys::path::append(path, import.path);
      }
      if (depth >= maxImportDepth) {
        diags.error(import.range, "imports nested too deeply");
        continue;
      }
      llvm::SmallString<256> canonical;
      if (llvm::sys::fs::real_path(path, canonical)) {
        diags.error(import.range,
                    "cannot open imported file '" + import.path + "'");
        continue;
      }
      if (active.count(std::string(canonical))) {
        diags.error(import.range, "import cycle: '" + import.path +
                                      "' is already being imported");
        continue;
      }
      if (!done.insert(std::string(canonical)).second)
        continue; // imported once already: same declarations
      std::optional<unsigned> imported = load(path, import.range);
      if (!imported)
        continue;
      active.insert(std::string(canonical));
      parseBuffer(*imported, llvm::sys::path::parent_path(path), into,
                  depth + 1);
      active.erase(std::string(canonical));
    }
    merge(into, module);
  }

  std::optional<unsigned> load(llvm::StringRef path, llvm::SMRange from) {
    std::unique_ptr<llvm::MemoryBuffer> buffer =
        readSourceFile(path, from, diags, /*allowStdin=*/!from.isValid());
    if (!buffer)
      return std::nullopt;
    return diags.getSourceMgr().AddNewSourceBuffer(std::move(buffer),
                                                   llvm::SMLoc());
  }

  std::set<std::string> active, done;

private:
  DiagnosticEngine &diags;
};

} // namespace

std::unique_ptr<llvm::MemoryBuffer>
snnc::readSourceFile(llvm::StringRef path, llvm::SMRange from,
                     DiagnosticEngine &diags, bool allowStdin) {
  bool fromStdin = allowStdin && path == "-";
  std::string name = fromStdin ? "<stdin>" : path.str();
  // Opened without blocking, so that a FIFO with no writer does not hang
  // the open; its type is then read from the descriptor itself (not the
  // path), so the file cannot be swapped between the check and the read.
  int fd = STDIN_FILENO;
  if (!fromStdin) {
    fd = ::open(name.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
      diags.error(from, "cannot read '" + name + "': " + std::strerror(errno));
      return nullptr;
    }
  }
  auto fail = [&](const llvm::Twine &message) {
    diags.error(from, message);
    if (!fromStdin)
      ::close(fd);
    return nullptr;
  };
  struct stat info;
  if (::fstat(fd, &info) != 0)
    return fail("cannot read '" + name + "': " + std::strerror(errno));
  if (!fromStdin) {
    if (S_ISDIR(info.st_mode))
      return fail("'" + name + "' is a directory, not a .snn file");
    if (!S_ISREG(info.st_mode))
      return fail("'" + name +
                  "' is not a regular file (a device, FIFO or "
                  "socket); " +
                  (from.isValid() ? "only regular files can be imported"
                                  : "snnc reads .snn files, or standard "
                                    "input as '-'"));
    if (static_cast<uint64_t>(info.st_size) > maxSourceBytes)
      return fail("'" + name + "' is larger than 64 MiB");
    // Regular files never block; the flag only mattered for the open.
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  }
  // Read at most one byte past the limit: a file that grows, or standard
  // input, is never read further than that.
  std::string text;
  text.reserve(S_ISREG(info.st_mode) ? static_cast<size_t>(info.st_size) + 1
                                     : 4096);
  char chunk[65536];
  while (text.size() <= maxSourceBytes) {
    size_t want = std::min(sizeof(chunk), maxSourceBytes + 1 - text.size());
    ssize_t got = ::read(fd, chunk, want);
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0)
      return fail("cannot read '" + name + "': " + std::strerror(errno));
    if (got == 0)
      break;
    text.append(chunk, static_cast<size_t>(got));
  }
  if (text.size() > maxSourceBytes)
    return fail("'" + name + "' is larger than 64 MiB");
  if (!fromStdin)
    ::close(fd);
  return llvm::MemoryBuffer::getMemBufferCopy(text, name);
}

ast::Module snnc::parseFile(llvm::StringRef path, DiagnosticEngine &diags) {
  ast::Module module;
  ImportResolver resolver(diags);
  std::optional<unsigned> bufferId = resolver.load(path, llvm::SMRange());
  if (!bufferId)
    return module;
  llvm::SmallString<256> canonical;
  if (!llvm::sys::fs::real_path(path, canonical)) {
    resolver.active.insert(std::string(canonical));
    resolver.done.insert(std::string(canonical));
  }
  resolver.parseBuffer(*bufferId, llvm::sys::path::parent_path(path), module,
                       0);
  return module;
}

ast::Module snnc::parseString(llvm::StringRef source, llvm::StringRef name,
                              DiagnosticEngine &diags) {
  ast::Module module;
  ImportResolver resolver(diags);
  unsigned bufferId = diags.getSourceMgr().AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(source, name), llvm::SMLoc());
  resolver.parseBuffer(bufferId, ".", module, 0);
  return module;
}

std::optional<model::Model> snnc::loadModel(llvm::StringRef path,
                                            DiagnosticEngine &diags) {
  ast::Module module = parseFile(path, diags);
  if (diags.hasErrors())
    return std::nullopt;
  return analyze(module, diags);
}

std::optional<model::Model> snnc::loadModelFromString(llvm::StringRef source,
                                                      llvm::StringRef name,
                                                      DiagnosticEngine &diags) {
  ast::Module module = parseString(source, name, diags);
  if (diags.hasErrors())
    return std::nullopt;
  return analyze(module, diags);
}
