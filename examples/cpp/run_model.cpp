//===- run_model.cpp - snnc as a C++ library ------------------------------===//
//
// The smallest embedding of the compiler: load a .snn model (or write one
// in a string), compile it, run it in pieces, and read spikes and state
// without copying. The snnc command line is a client of the same API.
//
//   run_model [FILE.snn] [DURATION_MS]
//
//===----------------------------------------------------------------------===//

#include "snnc/Simulation.h"
#include "snnc/dsl/Frontend.h"

#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cstdlib>

namespace {
/// Used when no file is given: one LIF neuron under a constant drive.
constexpr const char *inlineModel = R"(
neuron LIF {
  param V_rest = -60 mV
  param V_th   = -50 mV
  param tau    = 20 ms
  state V : mV = V_rest
  input I : mV
  dV/dt = (-(V - V_rest) + I) / tau
  spike V >= V_th
  reset hard to V_rest
}
population N = LIF(1)
drive N.I = 20 mV
run 100 ms { record N.spike }
)";
} // namespace

int main(int argc, char **argv) {
  llvm::SourceMgr sources;
  snnc::DiagnosticEngine diags(sources);

  // 1. Front end: parse and check units; errors print with file:line:col.
  std::optional<snnc::model::Model> model =
      argc > 1 ? snnc::loadModel(argv[1], diags)
               : snnc::loadModelFromString(inlineModel, "inline.snn", diags);
  if (!model)
    return 1;

  // 2. Compile: connectivity, initial state, MLIR, JIT.
  snnc::SimulationOptions options;
  if (argc > 2)
    options.durationMs = std::atof(argv[2]);
  std::unique_ptr<snnc::Simulation> sim =
      snnc::Simulation::create(*model, options, diags);
  if (!sim)
    return 1;

  // 3. Run in two halves; state can be inspected in between.
  int64_t half = sim->totalSteps() / 2;
  sim->run(half);
  const snnc::model::Population &first = sim->model().populations.front();
  const std::string &stateName =
      sim->model().neurons[first.neuron].states.front().name;
  llvm::ArrayRef<float> state = sim->state(first.name, stateName);
  llvm::outs() << "after " << half << " steps, " << first.name << "."
               << stateName << "[0] = " << state[0] << "\n";
  sim->run(sim->totalSteps() - half);

  // 4. Spikes: parallel arrays of step and neuron index.
  double seconds = sim->totalSteps() * sim->dtMs() / 1000.0;
  for (const snnc::SpikeTrain &train : sim->spikes())
    llvm::outs() << train.population << ": " << train.steps.size()
                 << " spikes, "
                 << (seconds > 0 ? train.steps.size() / (train.size * seconds)
                                 : 0.0)
                 << " Hz\n";
  return 0;
}
