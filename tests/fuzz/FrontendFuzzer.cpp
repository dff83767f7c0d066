//===- FrontendFuzzer.cpp - libFuzzer target: .snn text to a typed model --===//
//
// Feeds arbitrary bytes through the path `snnc check FILE` takes: parse
// (imports included), semantic analysis, and, for a model that checks, the
// summary and the list of values it prints. Diagnostics are formatted as
// the tool formats them (the printer must cope with any bytes) but
// discarded. A crash, a sanitizer report, a hang or unbounded memory is a
// finding; an error message is not.
//
// Imports are resolved as `snnc check` resolves them, relative to the
// current directory: run the fuzzer in a directory without large or
// special files under it (tests/fuzz/CMakeLists.txt runs it in its own).
//
//===----------------------------------------------------------------------===//

#include "snnc/dsl/Diagnostics.h"
#include "snnc/dsl/Frontend.h"
#include "snnc/dsl/Model.h"
#include "snnc/model/Parameters.h"

#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cstddef>
#include <cstdint>
#include <optional>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  llvm::SourceMgr sources;
  llvm::raw_null_ostream discard;
  snnc::DiagnosticEngine diags(sources, &discard);
  std::optional<snnc::model::Model> model =
      snnc::loadModelFromString(text, "fuzz.snn", diags);
  if (model) {
    snnc::model::printSummary(*model, discard);
    snnc::printParameters(*model, discard);
  }
  diags.printSummary();
  return 0;
}
