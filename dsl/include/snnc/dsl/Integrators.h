//===- Integrators.h - The ODE integration methods, listed once -*- C++ -*-===//
//
// Every integrator the language accepts (`integrator NAME`, `using NAME`),
// with its name and what steps it. The parser's messages, the compiler's
// snn.integrate attribute and passes, and the reference interpreter all
// read this one table, so a new method is added here first.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_DSL_INTEGRATORS_H
#define SNNC_DSL_INTEGRATORS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace snnc::model {

enum class Integrator { Euler, ExpEuler, RK2, RK4, Exact };

struct IntegratorInfo {
  Integrator id;
  const char *name; ///< As written in a model file and in the snn dialect.
  /// Stepped by an snn.integrate op (and the compiler's snn-integrate
  /// pass); `exact` is solved instead by a propagator (ExactIntegration.h).
  bool stepped;
};

/// Every integrator, in the order messages list them.
llvm::ArrayRef<IntegratorInfo> integrators();

const IntegratorInfo &integratorInfo(Integrator integrator);
inline const char *integratorName(Integrator integrator) {
  return integratorInfo(integrator).name;
}
std::optional<Integrator> parseIntegrator(llvm::StringRef name);

/// "euler, exp_euler, rk2, rk4 or exact"; `steppedOnly` leaves out the
/// methods an snn.integrate op cannot take.
std::string integratorList(bool steppedOnly = false);

} // namespace snnc::model

#endif // SNNC_DSL_INTEGRATORS_H
