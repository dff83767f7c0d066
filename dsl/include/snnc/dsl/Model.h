//===- Model.h - The typed, unit-resolved model -----------------*- C++ -*-===//
//
// What semantic analysis hands to the compiler: every name resolved to an
// index, every expression typed with its unit, and every unit conversion
// already folded into an explicit constant factor. Nothing here needs units
// at run time: a value is a plain number in the unit its declaration names
// (V in mV, g in mS). Time is always in milliseconds (t, dt, durations).
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_DSL_MODEL_H
#define SNNC_DSL_MODEL_H

#include "snnc/dsl/AST.h"
#include "snnc/dsl/Integrators.h"
#include "snnc/dsl/Units.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/SMLoc.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace snnc::model {

//===----------------------------------------------------------------------===//
// Typed expressions
//===----------------------------------------------------------------------===//

enum class Op {
  // Leaves.
  Constant,     ///< `value`, in `unit`
  Param,        ///< parameter `index` of the enclosing model
  State,        ///< state `index` of the enclosing model
  Input,        ///< summed input `index` of a neuron
  Time,         ///< t, in ms
  Dt,           ///< the time step, in ms
  NeuronIndex,  ///< `i` in population initialisers (dimensionless)
  Weight,       ///< the projection's weight `w` in a synapse
  SynapseState, ///< a synapse state, read by an output's current
  TargetState,  ///< a target-neuron state, read by an output's current
  /// rand() or randn(): a fresh number per neuron and step (`draw`), the
  /// `index`-th draw site of its neuron model (see runtime/Random.h).
  Random,
  // Arithmetic.
  Negate,
  Add,
  Sub,
  Mul,
  Div,
  Pow, ///< integer or dimensionless exponent
  // Logic (boolean results).
  Less,
  LessEqual,
  Greater,
  GreaterEqual,
  Equal,
  NotEqual,
  And,
  Or,
  Not,
  /// `args[1] if args[0] else args[2]`: a number (or, for a comparison
  /// used as a number, 1 or 0) chosen by a condition.
  Select,
  // Built-in function calls.
  Call,
};

enum class Builtin {
  Exp,
  Log,
  Sqrt,
  Abs,
  Min,
  Max,
  Exprel, ///< (e^x - 1)/x, 1 at 0
  Sin,
  Cos,
  Tanh,
  Clip, ///< clip(x, low, high)
};
const char *builtinName(Builtin fn);

struct Expr;
using ExprP = std::shared_ptr<const Expr>;

/// The index of a SynapseState leaf that reads 1 inside its group's target
/// slice and 0 outside: a current onto a slice is multiplied by it, so it
/// reaches only the neurons of the slice.
constexpr unsigned insideSliceIndex = ~0u;

/// What a Random leaf draws: rand(), randn(), or white noise xi, which is
/// randn() / sqrt(dt) in 1/ms^0.5 (so that Euler's dt * xi is the
/// Euler-Maruyama increment sqrt(dt) * N(0, 1)).
enum class Draw { Uniform, Normal, WhiteNoise };
/// The most rand()/randn() calls one neuron model may make, and the most
/// populations a model with such calls may have: their numbers share one
/// counter word of the draws (runtime/Random.h).
constexpr unsigned maxDrawSites = 1u << 12;
constexpr unsigned maxDrawPopulations = 1u << 19;

/// An immutable typed expression; subtrees may be shared.
struct Expr {
  Op op = Op::Constant;
  double value = 0;   ///< Constant
  unsigned index = 0; ///< Param, State, Input, SynapseState, TargetState
  /// SynapseState leaves placed in a neuron's equations by the compiler:
  /// which synapse state group they read.
  unsigned group = 0;
  Builtin fn = Builtin::Exp;
  Draw draw = Draw::Uniform; ///< Random
  Unit unit;                 ///< Unit of the value it computes.
  bool isBoolean = false;    ///< Comparisons and logic.
  std::vector<ExprP> args;
  llvm::SMRange range; ///< Where it was written (invalid if synthesised).
};

ExprP makeConstant(double value, Unit unit = Unit());
ExprP makeLeaf(Op op, unsigned index, Unit unit, llvm::SMRange range = {});
ExprP makeNode(Op op, std::vector<ExprP> args, Unit unit,
               llvm::SMRange range = {});
ExprP makeCall(Builtin fn, std::vector<ExprP> args, Unit unit,
               llvm::SMRange range = {});

/// Whether `expr` (transitively) reads any leaf of kind `op`.
bool references(const Expr &expr, Op op);

/// (e^x - 1)/x, accurate near 0 and 1 at 0.
double exprel(double x);

/// Evaluates in double precision; leaves other than Constant get their value
/// from `leafValue` (booleans are 0 or 1).
double evaluate(const Expr &expr,
                llvm::function_ref<double(const Expr &leaf)> leafValue);

//===----------------------------------------------------------------------===//
// Model definitions
//===----------------------------------------------------------------------===//

struct Param {
  std::string name;
  Unit unit;
  ExprP defaultValue; ///< Constant expression in `unit`; null: required.
  llvm::SMRange range;
  /// What its meaning requires of its value, found from where the model
  /// reads it: a parameter that divides (the whole divisor, up to constant
  /// factors) must not be zero, and must be positive when it is a time (a
  /// time constant) or a capacitance; one that is the refractory period
  /// must not be negative. Checked wherever a value is given: populations,
  /// projections, --set, the REPL's :set, per-neuron draws.
  enum class Rule { Any, NonZero, Positive, NonNegative } rule = Rule::Any;
  std::string ruleReason; ///< "a time constant: it divides in dV/dt"
};

/// "-1 ms", "0.5": a value with its unit, as messages print it.
std::string formatQuantity(double value, const Unit &unit);

/// Why `value` (in the parameter's unit) breaks `param`'s rule, as "must be
/// positive (a time constant: it divides in dV/dt)"; "" when it does not.
std::string ruleViolation(const Param &param, double value);

struct State {
  std::string name;
  Unit unit;
  ExprP initialValue; ///< In `unit`; may read params and `i`.
  llvm::SMRange range;
};

struct Input {
  std::string name;
  Unit unit;
  llvm::SMRange range;
};

/// dX/dt = rhs, with rhs in unit(X)/ms.
struct Equation {
  unsigned state;
  ExprP rhs;
  Integrator integrator;
  std::string integratorReason; ///< Why this integrator ("block default").
  llvm::SMRange range;
};

struct AssignStatement {
  unsigned state;
  ast::AssignOp op;
  ExprP value; ///< In unit(state).
  llvm::SMRange range;
};

struct NeuronModel {
  std::string name;
  std::vector<Param> params;
  std::vector<State> states;
  std::vector<Input> inputs;
  std::vector<Equation> equations;
  /// `spike X >= threshold`: the crossing variable and threshold.
  ExprP spike;                        ///< Boolean condition.
  std::optional<unsigned> spikeState; ///< X, when the condition is X >= ...
  ExprP spikeThreshold;               ///< ..., in unit(X)
  /// Reset at the start of the step after a spike (see docs/language.md).
  enum class ResetKind { None, Soft, Hard } reset = ResetKind::None;
  ExprP resetValue; ///< In unit(X).
  /// What a spike does to the neuron's states besides the reset, in
  /// order, after it (at the start of the step after the spike).
  std::vector<AssignStatement> onSpike;
  ExprP refractory; ///< Duration in ms; null: none.
  /// How a duration is counted: false (the default, Brian2's and NEST's
  /// rule), the m-th step after a spike is refractory when m <
  /// floor(refractory / dt + 0.001); true (`counted by time`,
  /// brainpy.state's rule), when t_k - t_last < refractory in the working
  /// precision.
  bool refractoryByTime = false;
  /// `refractory while COND`: refractory in a step when COND holds on the
  /// state at its start (after the reset); no spike then. Null: none.
  ExprP refractoryCondition;
  /// The states that keep their post-reset value while refractory: those
  /// whose equations say `unless refractory`, else the spike variable for
  /// a duration and none for a condition.
  std::vector<unsigned> heldWhileRefractory;
  /// rand()/randn() calls in its expressions: Random leaves 0..n-1.
  unsigned randomSites = 0;
  bool hasRefractoriness() const { return refractory || refractoryCondition; }
  /// The state called `name` (Sema checked every name a model uses).
  unsigned stateIndex(llvm::StringRef name) const {
    for (unsigned s = 0; s < states.size(); ++s)
      if (states[s].name == name)
        return s;
    return 0;
  }
  llvm::SMRange range;
};

struct SynapseModel {
  std::string name;
  std::vector<Param> params;
  std::vector<State> states;
  std::vector<Equation> equations;
  std::vector<AssignStatement> onPre;
  Unit weightUnit; ///< The unit of `w`.
  /// Whether an on_pre statement reads `w`: a projection's weight is
  /// otherwise never used (a warning says so).
  bool readsWeight = false;
  /// `on_pre X_post += ...`: a jump of the target neuron's state X. Its
  /// increments gather in the hidden per-target synapse state `state`
  /// (named "X_post", in X's unit, cleared after every step), which the
  /// target adds to X at the start of its update, before a reset.
  struct TargetJump {
    unsigned state;          ///< The hidden synapse state.
    std::string targetState; ///< X, a state of every target neuron.
  };
  std::vector<TargetJump> targetJumps;
  bool isHidden(unsigned state) const {
    return llvm::any_of(targetJumps,
                        [&](const TargetJump &j) { return j.state == state; });
  }
  /// When a step's spikes land: false (brainpy's AlignPost order) adds them
  /// after the step's decay, g_k = decay(g_{k-1}) + x_k; true decays them
  /// with it, g_k = decay(g_{k-1} + x_k).
  bool incrementBeforeDecay = false;
  llvm::SMRange range;
};

struct OutputModel {
  std::string name;
  std::vector<Param> params;
  llvm::SMRange range;
};

//===----------------------------------------------------------------------===//
// The network
//===----------------------------------------------------------------------===//

/// How each value of a per-neuron quantity is obtained.
struct Initializer {
  enum class Kind { Expression, Normal, Uniform } kind = Kind::Expression;
  ExprP value;         ///< Expression: may read params and `i`.
  double a = 0, b = 0; ///< Normal: mean, std; Uniform: low, high (in unit).
  llvm::SMRange range;
};

struct Population {
  std::string name;
  unsigned neuron; ///< Index into Model::neurons.
  int64_t size;
  /// Value of each neuron parameter, in the parameter's unit.
  std::vector<double> params;
  /// Where each value was given: the population's argument or block, the
  /// parameter's default, or a --set override.
  std::vector<llvm::SMRange> paramRanges;
  /// Parameters given per neuron (`tau ~ uniform(...)`); none by default.
  std::vector<std::optional<Initializer>> perNeuronParams;
  std::vector<Initializer> stateInit; ///< One per neuron state.
  llvm::SMRange range;
};

/// A contiguous range of one population's neurons.
struct Slice {
  unsigned population;
  int64_t begin, end;
  int64_t size() const { return end - begin; }
};

struct Connectivity {
  enum class Kind {
    FixedPerPre,
    FixedPerPost,
    FixedTotalNumber,
    FixedProb,
    AllToAll,
    OneToOne
  };
  Kind kind = Kind::AllToAll;
  int64_t count = 0;      ///< FixedPerPre / FixedPerPost / FixedTotalNumber
  double probability = 0; ///< FixedProb
  bool withReplacement = true; ///< FixedPerPre / FixedPerPost
  llvm::SMRange range;
};
const char *connectivityName(Connectivity::Kind kind);

/// Projection::output of a projection without one: its synapse only
/// jumps target states (SynapseModel::targetJumps).
constexpr unsigned noOutput = ~0u;

struct Projection {
  Slice source, target;
  unsigned synapse;                  ///< Index into Model::synapses.
  std::vector<double> synapseParams; ///< In each parameter's unit.
  unsigned output; ///< Index into Model::outputs, or noOutput.
  bool hasOutput() const { return output != noOutput; }
  std::vector<double> outputParams;
  /// Where each synapse and output parameter value was given.
  std::vector<llvm::SMRange> synapseParamRanges, outputParamRanges;
  unsigned targetInput = 0; ///< Which input of the target neuron it feeds.
  /// The output current in the target input's unit: reads Param (output
  /// params), SynapseState and TargetState leaves. Null without an output.
  ExprP current;
  Connectivity connectivity;
  Initializer weight; ///< In the synapse's weight unit.
  /// `delay D`, in ms: a spike of step k is delivered at step k + n, n =
  /// floor(D / dt + 0.5) (delaySteps); none: n = 1, the next step.
  std::optional<double> delayMs;
  llvm::SMRange delayRange;
  llvm::SMRange range;
};

/// The steps after which `proj` delivers a spike at time step `dtMs`: 1
/// without a delay; 0 means its delay is shorter than half a step.
int64_t delaySteps(const Projection &proj, double dtMs);
/// The most steps a delay may span.
constexpr int64_t maxDelaySteps = 1 << 20;

struct Drive {
  Slice target;
  unsigned input;
  double value; ///< In the input's unit.
  llvm::SMRange range;
  llvm::SMRange valueRange; ///< Where the value was given.
};

/// `poisson_input P.X += w from N sources at RATE` (Brian2's PoissonInput):
/// in every step each neuron of the slice adds w times a Poisson count of
/// mean N * RATE * dt to its state X, drawn from its own counter (site
/// `site` of the population's neuron model, after its rand() calls).
struct PoissonInput {
  Slice target;
  unsigned state;
  double weight;  ///< In the state's unit.
  double sources; ///< N
  double rateHz;
  unsigned site;
  llvm::SMRange range;
  /// The mean count per step at time step `dtMs`.
  double mean(double dtMs) const { return sources * rateHz * dtMs / 1000; }
};
/// The largest mean count per step a Poisson input may have.
constexpr double maxPoissonMean = 500;
/// P(count <= k), k = 0, 1, ..., for a Poisson count of mean `lambda`, up
/// to the first value that is 1 in double: a draw u in [0, 1) is then
/// the number of entries <= u.
std::vector<double> poissonTable(double lambda);

struct Record {
  Slice target;
  bool spikes = true;
  unsigned state = 0; ///< When !spikes.
  llvm::SMRange range;
};

struct RunSettings {
  double durationMs = 0;
  double dtMs = 0.1;
  uint64_t seed = 0;
  std::vector<Record> records;
  llvm::SMRange range;
};

/// The most steps a run may have, whichever way its duration and time step
/// are given (model file, snnc run --duration/--dt, the REPL's :run, the
/// library's SimulationOptions).
constexpr double maxRunSteps = 1e12;
/// The most steps a run that records may have: recorded spikes and state
/// values carry their step as an int32.
constexpr int64_t maxRecordedSteps = 2147483647;

/// A run's number of steps, or why it has none.
struct StepCount {
  /// What is wrong: the time step (not positive and finite, or longer than
  /// a run that is not empty: it would lengthen the run to one step of
  /// dt), the duration (negative or not finite), or the run as a whole
  /// (more than maxRunSteps steps, or maxRecordedSteps if it records).
  enum class Problem { None, TimeStep, Duration, TooManySteps };
  int64_t steps = 0;
  Problem problem = Problem::None;
  std::string why; ///< The message, when there is a problem.
  bool ok() const { return problem == Problem::None; }
};

/// The number of steps of a run of `durationMs` at time step `dtMs`: the
/// duration divided by dt, rounded up but forgiving rounding (as brainpy's
/// arange(0, duration, dt)), computed without overflow. `records`: the run
/// records spikes or states. Every entry point counts steps with this.
StepCount countSteps(double durationMs, double dtMs, bool records);

struct Model {
  std::vector<NeuronModel> neurons;
  std::vector<SynapseModel> synapses;
  std::vector<OutputModel> outputs;
  std::vector<Population> populations;
  std::vector<Projection> projections;
  std::vector<Drive> drives;
  std::vector<PoissonInput> poissonInputs;
  std::optional<RunSettings> run;
};

/// The short summary `snnc check` prints: populations, projections, states
/// with units, and the integrator of every equation with the reason.
void printSummary(const Model &model, llvm::raw_ostream &os);

/// A neuron state by name: (population index, state index), or nullopt.
struct StateRef {
  unsigned population, state;
};
std::optional<StateRef> findNeuronState(const Model &model,
                                        llvm::StringRef population,
                                        llvm::StringRef state);

/// Prints a typed expression; `leafName` names Param, State, Input,
/// SynapseState and TargetState leaves.
void printExpr(const Expr &expr, llvm::raw_ostream &os,
               llvm::function_ref<std::string(const Expr &leaf)> leafName);

} // namespace snnc::model

#endif // SNNC_DSL_MODEL_H
