//===- Parameters.h - The values a run can change without a recompile -*-===//
//
// Parameter values shared by a population or a projection, scalar weights
// and drives are run-time data of the compiled program: the code reads
// them from one small buffer, so a run with other values reuses the
// compiled code (and the compile cache). This file names them, lists them
// for `snnc check`, says which ones are compiled in (specialised) and why,
// and applies `NAME=VALUE` overrides to a model with their units checked.
//
// Names:
//   POP.PARAM                 a neuron parameter of population POP
//   projectionK.synapse.PARAM a synapse parameter of the K-th projection
//   projectionK.output.PARAM  an output parameter of the K-th projection
//   projectionK.weight        its weight, when it is one value
//   driveK                    the value of the K-th drive
// (K counts from 0 in declaration order, imported files first.)
//
// Plain C++ over the typed model; no MLIR.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_MODEL_PARAMETERS_H
#define SNNC_MODEL_PARAMETERS_H

#include "snnc/dsl/Diagnostics.h"
#include "snnc/dsl/Model.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>
#include <vector>

namespace snnc {

/// One value of the model that can be overridden by name.
struct ModelParameter {
  enum class Kind { NeuronParam, SynapseParam, OutputParam, Weight, Drive };
  Kind kind;
  /// The population (NeuronParam), projection (SynapseParam, OutputParam,
  /// Weight) or drive (Drive) it belongs to.
  unsigned owner = 0;
  unsigned index = 0; ///< The parameter's index in its model (params only).
  std::string name;   ///< As `--set` spells it: "N.V_th", "drive0".
  Unit unit;          ///< The unit `value` is in.
  double value = 0;
  llvm::SMRange declared; ///< Where it is declared, for notes.
  /// Non-empty when the compiled code has the value built in, so that
  /// changing it compiles again: why ("an 'exact' equation reads it").
  std::string specialisedBecause;
};

/// Every value that can be overridden, in a fixed order: populations'
/// shared parameters, then per projection its synapse parameters, output
/// parameters and weight, then the drives. Per-neuron parameters and
/// weights drawn per synapse are not listed (they are per-element data).
std::vector<ModelParameter> listParameters(const model::Model &model);

/// The parameter list's index of a model's parameter, for the code
/// generator: which named value a Param leaf of a population, a synapse
/// group or an output reads. -1 when there is none (per-neuron).
class ParameterIndex {
public:
  explicit ParameterIndex(const std::vector<ModelParameter> &parameters);
  int neuronParam(unsigned population, unsigned param) const;
  int synapseParam(unsigned projection, unsigned param) const;
  int outputParam(unsigned projection, unsigned param) const;
  int weight(unsigned projection) const;
  int drive(unsigned drive) const;

private:
  int find(ModelParameter::Kind kind, unsigned owner, unsigned index) const;
  const std::vector<ModelParameter> &parameters;
};

/// Applies overrides such as "N.V_th=-52 mV" or "projection0.weight=0.5mS"
/// to `model`: the value is converted into the parameter's unit exactly as
/// the language converts it. Each text becomes a source buffer named
/// "override", so that errors point at the name or the value; unknown
/// names list the valid ones; a wrong unit notes the declaration in the
/// .snn file. Returns false after reporting errors.
bool applyOverrides(model::Model &model, llvm::ArrayRef<std::string> overrides,
                    DiagnosticEngine &diags);

/// Refuses values the working precision cannot hold (precisionProblem in
/// Network.h): every value listParameters lists, reported where it was
/// given (in the .snn file or an override). Returns false after reporting.
bool checkValuesFit(const model::Model &model, bool doublePrecision,
                    DiagnosticEngine &diags);

/// The list `snnc check` prints: names, values with units, and which are
/// compiled in.
void printParameters(const model::Model &model, llvm::raw_ostream &os);

} // namespace snnc

#endif // SNNC_MODEL_PARAMETERS_H
