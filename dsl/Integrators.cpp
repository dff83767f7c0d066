//===- Integrators.cpp - The ODE integration methods, listed once ---------===//

#include "snnc/dsl/Integrators.h"

#include "llvm/Support/ErrorHandling.h"

#include <vector>

using namespace snnc::model;

namespace {
constexpr IntegratorInfo kIntegrators[] = {
    {Integrator::Euler, "euler", /*stepped=*/true},
    {Integrator::ExpEuler, "exp_euler", /*stepped=*/true},
    {Integrator::RK2, "rk2", /*stepped=*/true},
    {Integrator::RK4, "rk4", /*stepped=*/true},
    {Integrator::Exact, "exact", /*stepped=*/false},
};
} // namespace

llvm::ArrayRef<IntegratorInfo> snnc::model::integrators() {
  return kIntegrators;
}

const IntegratorInfo &snnc::model::integratorInfo(Integrator integrator) {
  for (const IntegratorInfo &info : kIntegrators)
    if (info.id == integrator)
      return info;
  llvm_unreachable("an integrator missing from kIntegrators");
}

std::optional<Integrator> snnc::model::parseIntegrator(llvm::StringRef name) {
  for (const IntegratorInfo &info : kIntegrators)
    if (name == info.name)
      return info.id;
  return std::nullopt;
}

std::string snnc::model::integratorList(bool steppedOnly) {
  std::vector<const char *> names;
  for (const IntegratorInfo &info : kIntegrators)
    if (info.stepped || !steppedOnly)
      names.push_back(info.name);
  std::string list;
  for (size_t k = 0; k < names.size(); ++k) {
    if (k)
      list += k + 1 == names.size() ? " or " : ", ";
    list += names[k];
  }
  return list;
}
