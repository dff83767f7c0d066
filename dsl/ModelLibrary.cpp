//===- ModelLibrary.cpp - Where `import snnc.NAME` finds its model --------===//
//
// The models snnc ships (models/*.snn in the source tree) are installed to
// share/snnc/models. A library import looks, in order, in the directories
// of $SNNC_MODEL_PATH (colon-separated), in the installed directory found
// relative to the library or program that holds this code, and in the
// source tree this build came from.
//
//===----------------------------------------------------------------------===//

#include "snnc/dsl/Frontend.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>

using namespace snnc;

std::vector<std::string> snnc::modelLibraryDirectories() {
  std::vector<std::string> places;
  if (const char *path = std::getenv("SNNC_MODEL_PATH")) {
    llvm::SmallVector<llvm::StringRef> parts;
    llvm::StringRef(path).split(parts, ':', -1, /*KeepEmpty=*/false);
    for (llvm::StringRef part : parts)
      places.push_back(part.str());
  }
  Dl_info info;
  if (dladdr(reinterpret_cast<void *>(&modelLibraryDirectories), &info) &&
      info.dli_fname) {
    llvm::SmallString<256> installed(
        llvm::sys::path::parent_path(info.dli_fname));
    llvm::sys::path::append(installed, SNNC_MODELS_FROM_LIBDIR);
    llvm::sys::path::remove_dots(installed, /*remove_dot_dot=*/true);
    places.push_back(std::string(installed));
  }
  places.push_back(SNNC_MODELS_SOURCE_DIR);
  return places;
}

std::optional<std::string> snnc::findLibraryModel(llvm::StringRef name) {
  for (const std::string &dir : modelLibraryDirectories()) {
    llvm::SmallString<256> path(dir);
    llvm::sys::path::append(path, name + ".snn");
    if (llvm::sys::fs::is_regular_file(path))
      return std::string(path);
  }
  return std::nullopt;
}

std::vector<std::string> snnc::libraryModelNames() {
  for (const std::string &dir : modelLibraryDirectories()) {
    std::vector<std::string> names;
    std::error_code ec;
    for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
         it.increment(ec))
      if (llvm::sys::path::extension(it->path()) == ".snn")
        names.push_back(llvm::sys::path::stem(it->path()).str());
    if (!names.empty()) {
      std::sort(names.begin(), names.end());
      return names;
    }
  }
  return {};
}
