//===- IntegratorOrderTest.cpp - Convergence order of every integrator ----===//
//
// Each integrator steps the rotation dx/dt = -y, dy/dt = x (time in ms) from
// (1, 0) for 10 ms in float64; the exact solution is (cos t, sin t). Halving
// dt divides the error by 2^order, so order = log2(e(dt) / e(dt/2)). The
// rotation is linear with constant coefficients, so `exact` (the matrix
// exponential computed at compile time) is exact to rounding. The measured
// orders are printed.
//
//===----------------------------------------------------------------------===//

#include "snnc/Simulation.h"
#include "snnc/dsl/Frontend.h"

#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

using namespace snnc;

namespace {

std::string rotor(const std::string &method, double dtMs) {
  return R"(
neuron Rotor {
  state x = 1
  state y = 0
  dx/dt = -y / 1 ms
  dy/dt = x / 1 ms
  integrator )" +
         method + R"(
}
population P = Rotor(1)
run 10 ms dt )" +
         std::to_string(dtMs) + " ms\n";
}

/// |x - cos T| + |y - sin T| after 10 ms with step dt.
double rotationError(const std::string &method, double dtMs,
                     std::string &messages) {
  llvm::SourceMgr sources;
  llvm::raw_string_ostream stream(messages);
  DiagnosticEngine diags(sources, &stream);
  std::optional<model::Model> model =
      loadModelFromString(rotor(method, dtMs), "rotor.snn", diags);
  if (!model)
    return NAN;
  SimulationOptions options;
  options.doublePrecision = true;
  options.showProgress = false;
  std::unique_ptr<Simulation> sim = Simulation::create(*model, options, diags);
  if (!sim)
    return NAN;
  sim->run(sim->totalSteps());
  double t = sim->totalSteps() * dtMs;
  return std::abs(sim->stateValues("P", "x")[0] - std::cos(t)) +
         std::abs(sim->stateValues("P", "y")[0] - std::sin(t));
}

double measuredOrder(const std::string &method, std::string &messages) {
  double coarse = rotationError(method, 0.02, messages);
  double fine = rotationError(method, 0.01, messages);
  double order = std::log2(coarse / fine);
  llvm::outs() << "integrator " << method << ": error " << coarse
               << " at dt 0.02 ms, " << fine << " at 0.01 ms, order " << order
               << "\n";
  return order;
}

TEST(IntegratorOrderTest, EulerIsFirstOrder) {
  std::string messages;
  EXPECT_NEAR(measuredOrder("euler", messages), 1.0, 0.1) << messages;
}

// The rotation's Jacobian has a zero diagonal, so exponential Euler with a
// diagonal Jacobian reduces to Euler here: first order.
TEST(IntegratorOrderTest, ExpEulerWithDiagonalJacobianIsFirstOrder) {
  std::string messages;
  EXPECT_NEAR(measuredOrder("exp_euler", messages), 1.0, 0.1) << messages;
}

TEST(IntegratorOrderTest, Rk2IsSecondOrder) {
  std::string messages;
  EXPECT_NEAR(measuredOrder("rk2", messages), 2.0, 0.1) << messages;
}

TEST(IntegratorOrderTest, Rk4IsFourthOrder) {
  std::string messages;
  EXPECT_NEAR(measuredOrder("rk4", messages), 4.0, 0.15) << messages;
}

TEST(IntegratorOrderTest, ExactIsExactToRounding) {
  std::string messages;
  double coarse = rotationError("exact", 0.1, messages);
  llvm::outs() << "integrator exact: error " << coarse << " at dt 0.1 ms\n";
  EXPECT_LT(coarse, 1e-12) << messages;
}

// A leaky neuron with conductance input is not linear with constant
// coefficients: exact integration is refused, at the equation.
TEST(IntegratorOrderTest, ExactRefusesVaryingCoefficients) {
  std::string messages;
  llvm::SourceMgr sources;
  llvm::raw_string_ostream stream(messages);
  DiagnosticEngine diags(sources, &stream);
  std::optional<model::Model> model = loadModelFromString(R"(
neuron Leaky {
  state V = 0 mV
  state g = 1 mS
  dV/dt = -g * V / 1 mS / 1 ms using exact
}
population P = Leaky(1)
run 1 ms
)",
                                                          "leaky.snn", diags);
  ASSERT_TRUE(model) << messages;
  SimulationOptions options;
  options.showProgress = false;
  EXPECT_FALSE(Simulation::create(*model, options, diags));
  ASSERT_EQ(diags.errorCount(), 1u) << messages;
  EXPECT_EQ(diags.diagnostics()[0].line, 5u);
  EXPECT_NE(diags.diagnostics()[0].message.find("depends on a state"),
            std::string::npos)
      << messages;
}

} // namespace
