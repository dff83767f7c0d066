//===- PackedProgram.cpp - Programs reached through packed entry points ---===//

#include "snnc/runtime/PackedProgram.h"

#include <dlfcn.h>

#include <vector>

using namespace snnc::rt;

void PackedProgram::init(void *const *buffers, Partitions parts) const {
  std::vector<void *> slots(buffers, buffers + numBuffers);
  std::vector<void *> packed;
  for (void *&slot : slots)
    packed.push_back(&slot);
  packed.push_back(&parts.first);
  packed.push_back(&parts.end);
  initEntry(packed.data());
}

void PackedProgram::run(void *const *buffers, int64_t begin, int64_t end,
                        Partitions parts) const {
  std::vector<void *> slots(buffers, buffers + numBuffers);
  std::vector<void *> packed;
  for (void *&slot : slots)
    packed.push_back(&slot);
  packed.push_back(&begin);
  packed.push_back(&end);
  packed.push_back(&parts.first);
  packed.push_back(&parts.end);
  runEntry(packed.data());
}

namespace {

/// A PackedProgram whose code is a loaded shared library.
class LibraryProgram : public PackedProgram {
public:
  LibraryProgram(void *handle, Entry init, Entry run, size_t numBuffers)
      : PackedProgram(init, run, numBuffers), handle(handle) {}
  ~LibraryProgram() override { dlclose(handle); }
  LibraryProgram(const LibraryProgram &) = delete;
  LibraryProgram &operator=(const LibraryProgram &) = delete;

private:
  void *handle;
};

std::string lastError() {
  const char *text = dlerror();
  return text ? text : "unknown error";
}

} // namespace

Expected<std::unique_ptr<Program>>
snnc::rt::loadLibraryProgram(const std::string &path, size_t numBuffers) {
  dlerror();
  void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle)
    return Status::error("cannot load the program: " + lastError());
  auto entry = [&](const char *name) {
    return reinterpret_cast<PackedProgram::Entry>(dlsym(handle, name));
  };
  PackedProgram::Entry init = entry(kPackedInit), run = entry(kPackedRun);
  if (!init || !run) {
    std::string why = std::string("'") + path + "' has no entry point " +
                      (init ? kPackedRun : kPackedInit);
    dlclose(handle);
    return Status::error(why);
  }
  return std::unique_ptr<Program>(
      std::make_unique<LibraryProgram>(handle, init, run, numBuffers));
}
