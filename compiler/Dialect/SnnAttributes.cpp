//===- SnnAttributes.cpp - The snn dialect's attributes -------------------===//
//
// `#snn.integrator<name>`, the ODE method of snn.integrate, printed and
// parsed by the names of the integrator registry (snnc/dsl/Integrators.h).
//
// This file alone creates attribute storage: its `get` runs LLVM's inline
// bump allocator on the context's slabs, which libMLIR allocates from as
// well. The sanitizer tree builds it without AddressSanitizer
// (compiler/CMakeLists.txt), because instrumented inline code poisons the
// rest of a fresh slab, and libMLIR, not instrumented, would then allocate
// from poisoned memory without unpoisoning it.
//
//===----------------------------------------------------------------------===//

#include "snnc/compiler/Dialect/Snn.h"

#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace snnc::snn;

#define GET_ATTRDEF_CLASSES
#include "snnc/compiler/Dialect/SnnAttributes.cpp.inc"

void SnnDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "snnc/compiler/Dialect/SnnAttributes.cpp.inc"
      >();
}

FailureOr<snnc::model::Integrator>
snnc::snn::parseIntegratorKeyword(AsmParser &parser) {
  llvm::SMLoc loc = parser.getCurrentLocation();
  StringRef name;
  if (parser.parseKeyword(&name))
    return failure();
  if (std::optional<snnc::model::Integrator> method =
          snnc::model::parseIntegrator(name))
    return *method;
  return parser.emitError(loc, "unknown integrator '")
         << name << "' (expected " << snnc::model::integratorList() << ")";
}

Attribute IntegratorAttr::parse(AsmParser &parser, Type) {
  FailureOr<snnc::model::Integrator> method;
  if (parser.parseLess() || failed(method = parseIntegratorKeyword(parser)) ||
      parser.parseGreater())
    return {};
  return IntegratorAttr::get(parser.getContext(), *method);
}

void IntegratorAttr::print(AsmPrinter &printer) const {
  printer << "<" << snnc::model::integratorName(getValue()) << ">";
}
