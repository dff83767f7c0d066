//===- CobaModel.h - The seed's model definitions, for tests ----*- C++ -*-===//
//
// The neuron, synapse and output definitions of the seed model
// (examples/coba.snn, without its comments): tests append the populations,
// projections, drives and run they need.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_TESTS_SUPPORT_COBAMODEL_H
#define SNNC_TESTS_SUPPORT_COBAMODEL_H

namespace snnc::testing {

/// LIFRef (soft reset, refractory), Expon (g += w on a spike) and COBA
/// (g * (E - V)), with the seed's parameter values.
inline constexpr const char *kCobaDefinitions = R"(
neuron LIFRef {
  param V_rest = -60 mV
  param V_th = -50 mV
  param V_reset = -60 mV
  param tau = 20 ms
  param tau_ref = 5 ms
  param R = 1 ohm
  state V : mV = V_rest
  input I : mA
  dV/dt = (-(V - V_rest) + R * I) / tau
  spike V >= V_th
  reset soft to V_reset
  refractory tau_ref
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
)";

} // namespace snnc::testing

#endif // SNNC_TESTS_SUPPORT_COBAMODEL_H
