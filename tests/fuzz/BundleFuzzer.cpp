//===- BundleFuzzer.cpp - libFuzzer target: bundle files ------------------===//
//
// Reads arbitrary bytes as snnc-run reads a bundle (rt::parseBundle): the
// version line, the sections and their sizes, the JSON manifest, every
// field's type and the layout's consistency. A damaged or hostile file
// must be refused with a message; no input may crash, hang or abort the
// reader (nlohmann/json without exceptions aborts on a misused value).
// What is read is then printed back as JSON, as `snnc-run --info` does.
//
//===----------------------------------------------------------------------===//

#include "snnc/runtime/Bundle.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string bytes(reinterpret_cast<const char *>(data), size);
  snnc::rt::Expected<snnc::rt::Bundle> bundle =
      snnc::rt::parseBundle(bytes, "input");
  if (bundle.ok())
    (void)snnc::rt::manifestText(bundle.take());
  else if (bundle.message().empty())
    __builtin_trap(); // an error always says what is wrong
  return 0;
}
