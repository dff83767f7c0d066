//===- OverrideFuzzer.cpp - libFuzzer target: --set NAME=VALUE ------------===//
//
// Applies arbitrary `--set` texts to one fixed, valid model, as `snnc run
// --set`, `:set` in the REPL and SimulationOptions::parameterOverrides do:
// each line of the input is one override. The model declares every kind of
// settable value (neuron, synapse and output parameters, a weight, drives
// into whole and sliced populations, values compiled in because an exact
// equation or an exponent reads them) and values that cannot be set (per
// neuron, per synapse), so that every branch of the name lookup and of the
// unit conversion is reachable. After the overrides, the list `snnc check`
// prints is built from the changed model.
//
//===----------------------------------------------------------------------===//

#include "snnc/dsl/Diagnostics.h"
#include "snnc/dsl/Frontend.h"
#include "snnc/dsl/Model.h"
#include "snnc/model/Parameters.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

namespace {

constexpr const char *model = R"(
neuron LIF {
  param V_rest = -60 mV
  param V_th = -50 mV
  param tau = 20 ms
  param tau_ref = 2 ms
  param R = 1 ohm
  param k = 2
  state V : mV = V_rest
  input I : mA
  dV/dt = (-(V - V_rest) + R * I) / tau
  spike V >= V_th
  reset soft to V_rest
  refractory tau_ref
}
neuron Q {
  param a = 0.5
  param b : 1/ms = 0.1 / ms
  param n = 3
  state x = 0.1
  state y : mV = 0 mV
  input J : uA
  dx/dt = -b * x ^ n + a / ms
  dy/dt = -b * y using exact
  spike y > 10 mV
  reset hard to 0 mV
}
synapse Expon {
  param tau : ms
  state g : mS = 0 mS
  dg/dt = -g / tau
  on_pre g += w
}
output COBA {
  param E : mV
  current g * (E - V)
}
output CUBA {
  param s = 1 uA / mS
  current g * s
}
population N = LIF(20, V_th = -51 mV) {
  V ~ normal(-55 mV, 2 mV)
}
population M = Q(8) {
  a ~ uniform(0.1, 0.2)
}
project N[0:10] -> N {
  synapse Expon(tau = 5 ms)
  output COBA(E = 0 mV)
  connect fixed_per_pre(3)
  weight 0.6 mS
}
project N[10:] -> M {
  synapse Expon(tau = 10 ms)
  output CUBA to J
  connect all_to_all()
  weight ~ uniform(0.1 mS, 0.2 mS)
}
drive N.I = 20 mA
drive M[0:4].J = 3 uA
run 10 ms dt 0.1 ms seed 1
)";

/// More overrides than this in one input add nothing but time.
constexpr size_t maxOverrides = 16;

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::vector<std::string> overrides;
  llvm::StringRef rest(reinterpret_cast<const char *>(data), size);
  while (!rest.empty() && overrides.size() < maxOverrides) {
    auto [line, tail] = rest.split('\n');
    overrides.push_back(line.str());
    rest = tail;
  }

  // A fresh model and source manager per input: overrides become source
  // buffers, and notes point back into the model's text.
  llvm::SourceMgr sources;
  llvm::raw_null_ostream discard;
  snnc::DiagnosticEngine diags(sources, &discard);
  std::optional<snnc::model::Model> parsed =
      snnc::loadModelFromString(model, "override-fuzz.snn", diags);
  if (!parsed) {
    // The fixed model is valid: anything else is a bug in this file or in
    // the front end, and no input can find more.
    std::fputs("override fuzzer: the fixed model does not check\n", stderr);
    std::abort();
  }
  snnc::applyOverrides(*parsed, overrides, diags);
  snnc::printParameters(*parsed, discard);
  diags.printSummary();
  return 0;
}
