//===- LocationsTest.cpp - Every op of the program says where it came from
//-===//
//
// MLIRGen locates each op at the .snn construct that asked for it (the
// population of a neuron pass, the projection of a delivery, a drive, a
// record statement, the run for the loop itself), so that a pass's error
// points at the model's source.
//
//===----------------------------------------------------------------------===//
#include "snnc/Simulation.h"
#include "snnc/compiler/Dialect/Snn.h"
#include "snnc/compiler/ProgramBuilder.h"
#include "snnc/dsl/Frontend.h"

#include "mlir/IR/Location.h"
#include "mlir/IR/MLIRContext.h"

#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

using namespace snnc;

namespace {

// Line numbers matter below: the model starts on line 1.
constexpr const char *model = R"(neuron LIF {
  param V_rest = -60 mV
  param V_th   = -50 mV
  param tau    = 20 ms
  state V : mV = V_rest
  input I : mV
  dV/dt = (-(V - V_rest) + I) / tau
  spike V >= V_th
  reset hard to V_rest
}
synapse Expon {
  param tau : ms
  state g : mV = 0 mV
  dg/dt = -g / tau
  on_pre g += w
}
output Direct {
  current g
}
population A = LIF(40)
population B = LIF(40)
project A -> B {
  synapse Expon(tau = 5 ms)
  output Direct
  connect fixed_per_pre(4)
  weight 2 mV
}
drive A.I = 30 mV
drive B[0:8].I = 15 mV
run 50 ms {
  record A.spike
  record B.V
}
)";

TEST(LocationsTest, EveryOpOfTheProgramHasAPlaceInTheModel) {
  llvm::SourceMgr sources;
  std::string log;
  llvm::raw_string_ostream stream(log);
  DiagnosticEngine diags(sources, &stream);
  std::optional<model::Model> parsed =
      loadModelFromString(model, "locations.snn", diags);
  ASSERT_TRUE(parsed) << log;
  SimulationOptions options;
  options.compile = false;
  options.showProgress = false;
  std::unique_ptr<Simulation> planned =
      Simulation::create(*parsed, options, diags);
  ASSERT_TRUE(planned) << log;
  mlir::MLIRContext context;
  mlir::OwningOpRef<mlir::ModuleOp> module =
      buildProgram(context, planned->model(), planned->layout(), diags);
  ASSERT_TRUE(module) << log;

  std::map<std::string, std::set<unsigned>> linesOf; // op name -> lines
  size_t ops = 0;
  module->walk([&](mlir::Operation *op) {
    ++ops;
    auto at = op->getLoc()->findInstanceOf<mlir::FileLineColLoc>();
    ASSERT_TRUE(at) << op->getName().getStringRef().str()
                    << " has no source location";
    EXPECT_EQ(at.getFilename().getValue(), "locations.snn");
    EXPECT_GE(at.getLine(), 1u);
    EXPECT_LE(at.getLine(), 33u);
    linesOf[op->getName().getStringRef().str()].insert(at.getLine());
  });
  EXPECT_GT(ops, 50u);
  // The loop from the run statement, delivery from the projection, the
  // neuron passes from their populations, recording from the record
  // statement.
  EXPECT_EQ(linesOf["snn.time_loop"], (std::set<unsigned>{30}));
  EXPECT_EQ(linesOf["snn.propagate"], (std::set<unsigned>{22}));
  EXPECT_EQ(linesOf["func.func"], (std::set<unsigned>{30}));
  EXPECT_EQ(linesOf["snn.record_state"], (std::set<unsigned>{32}));
  std::set<unsigned> passes = linesOf["snn.for_each_neuron"];
  for (unsigned line : {20u, 21u, 22u})
    EXPECT_TRUE(passes.count(line)) << "no neuron pass from line " << line;
}

} // namespace
