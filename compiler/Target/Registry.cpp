//===- Registry.cpp - The targets snnc can compile for --------------------===//
//
// The one list of targets: `--target`, `snnc --help`, the library and the
// tests read it. A new target adds one line here (docs/targets.md).
//
//===----------------------------------------------------------------------===//

#include "snnc/compiler/Target.h"

#include "Cpu/CpuTarget.h"
#include "Nvptx/NvptxTarget.h"

using namespace snnc;

namespace {
struct TargetEntry {
  llvm::StringRef name;
  std::unique_ptr<Target> (*create)();
};

constexpr TargetEntry targets[] = {
    {"cpu", createCpuTarget},
    {"nvptx", createNvptxTarget},
};
} // namespace

llvm::ArrayRef<llvm::StringRef> snnc::targetNames() {
  static const std::vector<llvm::StringRef> names = [] {
    std::vector<llvm::StringRef> list;
    for (const TargetEntry &entry : targets)
      list.push_back(entry.name);
    return list;
  }();
  return names;
}

std::string snnc::targetList() {
  std::string list;
  llvm::ArrayRef<llvm::StringRef> names = targetNames();
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0)
      list += i + 1 == names.size() ? " or " : ", ";
    list += names[i].str();
  }
  return list;
}

std::unique_ptr<Target> snnc::createTarget(llvm::StringRef name) {
  for (const TargetEntry &entry : targets)
    if (entry.name == name)
      return entry.create();
  return nullptr;
}
