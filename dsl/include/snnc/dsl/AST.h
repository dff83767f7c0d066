//===- AST.h - Syntax tree of a .snn file -----------------------*- C++ -*-===//
//
// The parser's output: what the user wrote, with a source range on every
// node, before names, units or dimensions are checked. Semantic analysis
// (Sema.h) turns it into the typed Model (Model.h) that the compiler reads.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_DSL_AST_H
#define SNNC_DSL_AST_H

#include "snnc/dsl/Units.h"

#include "llvm/Support/SMLoc.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace snnc::ast {

/// A named thing with where its name was written.
struct Ident {
  std::string name;
  llvm::SMRange range;
  bool empty() const { return name.empty(); }
};

//===----------------------------------------------------------------------===//
// Units and expressions
//===----------------------------------------------------------------------===//

/// One factor of a unit expression: `ms` in `mV/ms` is {ms, -1}, and in
/// `1/ms^0.5` {ms, -0.5}.
struct UnitFactor {
  Ident symbol;
  Exponent power = 1;
};

/// A unit as written: `mV`, `mV/ms`, `nS*mV`, `1/ms`, `m^2`.
struct UnitExpr {
  std::vector<UnitFactor> factors; ///< Empty for `1`.
  llvm::SMRange range;
};

enum class ExprKind { Number, Name, Unary, Binary, Call, Conditional };
enum class UnaryOp { Negate, Plus, Not };
enum class BinaryOp {
  Add,
  Sub,
  Mul,
  Div,
  Pow,
  Less,
  LessEqual,
  Greater,
  GreaterEqual,
  Equal,
  NotEqual,
  And,
  Or,
};
const char *binaryOpSpelling(BinaryOp op);
bool isComparison(BinaryOp op);

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

/// An expression node. One struct for every kind keeps the tree simple to
/// walk; `kind` says which fields are meaningful.
struct Expr {
  ExprKind kind;
  llvm::SMRange range;
  // Number: value and an optional unit written right after it (`-60 mV`).
  double number = 0;
  std::optional<UnitFactor> unit;
  // Name and Call: the identifier (callee for calls).
  Ident name;
  // Unary and Binary.
  UnaryOp unaryOp = UnaryOp::Negate;
  BinaryOp binaryOp = BinaryOp::Add;
  llvm::SMRange opRange; ///< Binary: the operator token.
  // Unary: 1 operand; Binary: 2; Call: the arguments; Conditional
  // (`A if C else B`): A, C, B.
  std::vector<ExprPtr> operands;
  // Call arguments may be named (`normal(mean = -55 mV, std = 2 mV)`); the
  // name of operand i, empty when positional.
  std::vector<Ident> argumentNames;
};

//===----------------------------------------------------------------------===//
// Model definitions: neuron, synapse, output
//===----------------------------------------------------------------------===//

/// `param NAME [: UNIT] [= EXPR]` and `state NAME [: UNIT] [= EXPR]`.
struct VariableDecl {
  Ident name;
  std::optional<UnitExpr> unit;
  ExprPtr value;
  llvm::SMRange range;
};

/// `input NAME : UNIT`: a summed input current (outputs and drives).
struct InputDecl {
  Ident name;
  UnitExpr unit;
  llvm::SMRange range;
};

/// `dX/dt = EXPR [using INTEGRATOR] [unless refractory]`.
struct OdeDecl {
  Ident state;
  ExprPtr rhs;
  Ident integrator; ///< Empty: the block's default.
  /// `unless refractory`: X is held while the neuron is refractory.
  llvm::SMRange unlessRefractory; ///< Empty: not marked.
  llvm::SMRange range;
};

enum class AssignOp { Set, Add, Sub, Mul, Div };
const char *assignOpSpelling(AssignOp op);

/// `X = EXPR`, `X += EXPR`, ... in `on_pre` and `on_spike` statements.
struct Assignment {
  Ident target;
  AssignOp op = AssignOp::Set;
  ExprPtr value;
  llvm::SMRange range;
};

/// `reset soft to EXPR` or `reset hard to EXPR`.
struct ResetDecl {
  enum Kind { Soft, Hard } kind = Soft;
  ExprPtr value;
  llvm::SMRange range;
};

/// Members shared by every model block.
struct ModelBody {
  Ident name;
  std::vector<VariableDecl> params;
  std::vector<VariableDecl> states;
  /// `let NAME (: UNIT)? = EXPR`: named subexpressions, in order.
  std::vector<VariableDecl> lets;
  std::vector<OdeDecl> odes;
  Ident integrator; ///< `integrator NAME`; empty: the language default.
  llvm::SMRange range;
};

struct NeuronDecl : ModelBody {
  std::vector<InputDecl> inputs;
  ExprPtr spike; ///< `spike COND`
  llvm::SMRange spikeRange;
  std::optional<ResetDecl> reset;
  std::vector<Assignment> onSpike; ///< `on_spike X = EXPR`, in order
  ExprPtr refractory;              ///< `refractory EXPR` (a duration)
  /// `refractory EXPR counted by time`: brainpy's rule, t - t_last < EXPR
  /// in the working precision; otherwise whole steps.
  bool refractoryByTime = false;
  /// `refractory while COND`: refractory as long as COND holds.
  ExprPtr refractoryCondition;
  llvm::SMRange refractoryRange;
};

struct SynapseDecl : ModelBody {
  std::vector<Assignment> onPre; ///< `on_pre X += w`
  /// `increment before decay`: spikes land before this step's decay;
  /// the default (`increment after decay`) adds them after it.
  bool incrementBeforeDecay = false;
  llvm::SMRange orderRange; ///< Where the `increment` line is; may be empty.
};

struct OutputDecl : ModelBody {
  ExprPtr current; ///< `current EXPR`
  llvm::SMRange currentRange;
};

//===----------------------------------------------------------------------===//
// Network: populations, projections, drives, run
//===----------------------------------------------------------------------===//

/// `Name(positional..., key = value...)`: a model instantiation, a
/// connectivity rule or a distribution.
struct Call {
  Ident callee;
  std::vector<ExprPtr> args;
  std::vector<Ident> argNames; ///< Empty name: positional.
  llvm::SMRange range;
};

/// `NAME = EXPR` (constant or expression of the neuron index `i`) or
/// `NAME ~ distribution(...)` inside a population block.
struct Initializer {
  Ident target;
  bool sampled = false; ///< `~`
  ExprPtr value;
  llvm::SMRange range;
};

/// `Pop` or `Pop[lo:hi]` with either bound optional.
struct PopulationRef {
  Ident population;
  bool sliced = false;
  std::optional<int64_t> begin, end;
  llvm::SMRange sliceRange;
  llvm::SMRange range;
};

struct PopulationDecl {
  Ident name;
  Call model; ///< `LIFRef(4000, tau = 10 ms)`: size first
  std::vector<Initializer> initializers;
  llvm::SMRange range;
};

struct ProjectionDecl {
  PopulationRef source, target;
  std::optional<Call> synapse;
  std::optional<Call> output;
  Ident outputInput; ///< `output COBA(...) to I`; empty: the only input.
  std::optional<Call> connect;
  ExprPtr weight;
  bool weightSampled = false; ///< `weight ~ normal(...)`
  llvm::SMRange weightRange;
  ExprPtr delay; ///< `delay EXPR`; null: one step.
  llvm::SMRange delayRange;
  llvm::SMRange range;
};

/// `drive Pop[.slice].INPUT = EXPR`.
struct DriveDecl {
  PopulationRef target;
  Ident input;
  ExprPtr value;
  llvm::SMRange range;
};

/// `poisson_input Pop[.slice].STATE += WEIGHT from N sources at RATE`.
struct PoissonInputDecl {
  PopulationRef target;
  Ident state;
  ExprPtr weight, sources, rate;
  llvm::SMRange range;
};

/// `record Pop.spike` or `record Pop[lo:hi].STATE`.
struct RecordDecl {
  PopulationRef target;
  Ident variable;
  llvm::SMRange range;
};

/// `run DURATION [dt STEP] [seed N] [{ record ... }]`.
struct RunDecl {
  ExprPtr duration;
  ExprPtr dt;
  ExprPtr seed;
  std::vector<RecordDecl> records;
  llvm::SMRange range;
};

struct ImportDecl {
  std::string path;     ///< A file, or the model's name in snnc's library.
  bool library = false; ///< `import snnc.NAME`
  llvm::SMRange range;
};

/// One parsed file.
struct Module {
  std::vector<ImportDecl> imports;
  std::vector<NeuronDecl> neurons;
  std::vector<SynapseDecl> synapses;
  std::vector<OutputDecl> outputs;
  std::vector<PopulationDecl> populations;
  std::vector<ProjectionDecl> projections;
  std::vector<DriveDecl> drives;
  std::vector<PoissonInputDecl> poissonInputs;
  std::vector<RunDecl> runs;
};

/// Prints the tree in an indented, line-per-node form (`snnc emit ast`).
void print(const Module &module, llvm::raw_ostream &os);
void print(const Expr &expr, llvm::raw_ostream &os);

} // namespace snnc::ast

#endif // SNNC_DSL_AST_H
