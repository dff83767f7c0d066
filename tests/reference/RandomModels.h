//===- RandomModels.h - Random valid .snn models, and shrinking -*- C++ -*-===//
//
// A generator of small random models for differential testing: one or two
// neuron models whose right-hand sides carry random extra terms (sums,
// differences, products and quotients of states and parameters, each term
// in mV so that every equation is dimensionally valid), random synapse
// kinds (exponential, alpha, latching, scaled) and outputs (current- and
// conductance-based), populations with per-neuron parameters, projections
// between random slices with every connectivity rule, drives, integrators.
//
// A model is kept as parts (RandomModel) and printed as .snn text, so that
// a failing case can be shrunk part by part (shrink) and shown as the
// smallest model that still fails.
//
// Numbers come from std::mt19937's raw output only (no <random>
// distributions, whose results differ between standard libraries), so a
// seed gives the same model everywhere.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_TESTS_REFERENCE_RANDOMMODELS_H
#define SNNC_TESTS_REFERENCE_RANDOMMODELS_H

#include "llvm/ADT/STLFunctionalExtras.h"

#include <cstdint>
#include <string>
#include <vector>

namespace snnc::testing {

struct RandomNeuron {
  std::string name;
  bool adaptation = false;                 ///< A second state u, coupled to V.
  bool secondInput = false;                ///< An input J besides I.
  double rest = -65, threshold = -50;      ///< V_rest and V_th, in mV.
  std::vector<std::string> params;         ///< "param NAME = VALUE" lines.
  std::vector<std::string> termsV, termsU; ///< Extra terms, each in mV.
  std::string integratorV, integratorU;
  std::string spike;                ///< The spike condition.
  std::string reset;                ///< "soft", "hard" or "" (none).
  std::vector<std::string> onSpike; ///< "u += ..." statements, in order.
  /// "tau_ref" (a duration, maybe "counted by time"), "while COND" (a
  /// condition) or "" (none).
  std::string refractory;
  /// The equations marked `unless refractory`; none: the default.
  bool holdV = false, holdU = false;
};

struct RandomSynapse {
  std::string name;
  std::string kind; ///< "expon", "alpha", "latch", "scaled".
  bool conductance; ///< g in mS (else mA).
  std::string integrator;
  /// Also jumps the target's V by w (a delta synapse, `V_post += ...`).
  bool jumps = false;
};

struct RandomPopulation {
  std::string name;
  unsigned neuron;
  int64_t size;
  std::vector<std::string> initializers; ///< Lines of the population block.
};

struct RandomProjection {
  unsigned source, target;        ///< Populations.
  int64_t sourceBegin, sourceEnd; ///< Slices.
  int64_t targetBegin, targetEnd;
  unsigned synapse;
  std::string synapseArgs; ///< "(tau = 5 ms)"
  std::string output;      ///< "Cuba", "Coba(E = 0 mV)"...
  std::string input;       ///< "I" or "J".
  std::string connect;     ///< "fixed_prob(0.1)"...
  std::string weight;      ///< "0.3 mA" or "~ normal(...)".
  std::string delay;       ///< "0.3 ms", or "" (one step).
};

struct RandomDrive {
  unsigned population;
  int64_t begin, end;
  std::string input;
  std::string value;
};

struct RandomModel {
  std::vector<RandomNeuron> neurons;
  std::vector<RandomSynapse> synapses;
  std::vector<RandomPopulation> populations;
  std::vector<RandomProjection> projections;
  std::vector<RandomDrive> drives;
  /// Populations that get Poisson input into V (`poisson_input`).
  std::vector<unsigned> poissonInputs;
  std::string run; ///< "run 30 ms dt 0.1 ms seed 7"

  /// The model as .snn text.
  std::string print() const;
};

/// A random valid model; the same seed gives the same model. At most
/// 200 neurons and 500 steps.
RandomModel generateModel(uint32_t seed);

/// Removes parts of `failing` (projections, drives, extra terms,
/// populations, refractoriness, the adaptation state; integrators become
/// euler) as long as `stillFails` holds for the smaller model, and returns
/// the smallest failing model found.
RandomModel shrink(const RandomModel &failing,
                   llvm::function_ref<bool(const RandomModel &)> stillFails);

} // namespace snnc::testing

#endif // SNNC_TESTS_REFERENCE_RANDOMMODELS_H
