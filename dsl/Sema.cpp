//===- Sema.cpp - Names, units and dimensions of a parsed model -----------===//
//
// Walks the AST once, in dependency order: model definitions (neuron,
// synapse, output), then populations, projections, drives and the run.
// Expressions are checked against a Scope that says which names they may
// read. Every value is kept in the unit its declaration names; wherever a
// value meets a different unit of the same dimension, an exact conversion
// factor is folded in here, so the compiler never sees units.
//
//===----------------------------------------------------------------------===//

#include "snnc/dsl/Sema.h"

#include "snnc/dsl/Calculus.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSwitch.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>

using namespace snnc;
using namespace snnc::model;
using llvm::SMRange;
using llvm::StringRef;
using llvm::Twine;

namespace {

Unit millisecond() { return *lookupUnit("ms"); }

/// What a name means where an expression is checked.
struct Symbol {
  Op op;
  unsigned index;
  Unit unit;
  /// A subexpression (`let`): what the name stands for, already checked.
  ExprP value;
};

/// The names an expression may read, and what else it may use.
struct Scope {
  std::map<std::string, Symbol> symbols;
  /// Names the model declares that this expression cannot read, with what
  /// they are ("a state of neuron 'LIF'"): said as such, not suggested
  /// away as a misspelling.
  std::map<std::string, std::string> unreadable;
  bool allowTime = false;  ///< t and dt
  bool allowIndex = false; ///< i, the neuron index
  /// Where rand() and randn() may be called: the model's count of draw
  /// sites, which each call increments; null where they may not.
  unsigned *randomSites = nullptr;
  /// Where white noise (`xi`, `xi_NAME`) may be read: the leaf of each
  /// name in the neuron's equations; null elsewhere.
  std::map<std::string, ExprP> *noise = nullptr;
  const char *context = "this expression";

  void add(const std::string &name, Op op, unsigned index, Unit unit) {
    symbols[name] = Symbol{op, index, std::move(unit), nullptr};
  }
};

/// The parameters and states a model body declares, as "a parameter of
/// `owner`" and "a state of `owner`".
std::map<std::string, std::string> declaredNames(const ast::ModelBody &body,
                                                 const std::string &owner) {
  std::map<std::string, std::string> names;
  for (const ast::VariableDecl &param : body.params)
    names.emplace(param.name.name, "a parameter of " + owner);
  for (const ast::VariableDecl &state : body.states)
    names.emplace(state.name.name, "a state of " + owner);
  for (const ast::VariableDecl &let : body.lets)
    names.emplace(let.name.name, "a subexpression of " + owner);
  return names;
}

/// Whether `expr` reads the weight `w`.
bool mentionsWeight(const ast::Expr &expr) {
  if (expr.kind == ast::ExprKind::Name && expr.name.name == "w")
    return true;
  for (const ast::ExprPtr &operand : expr.operands)
    if (mentionsWeight(*operand))
      return true;
  return false;
}

struct BuiltinInfo {
  Builtin fn;
  unsigned arity;
};

std::optional<BuiltinInfo> lookupBuiltin(StringRef name) {
  return llvm::StringSwitch<std::optional<BuiltinInfo>>(name)
      .Case("exp", BuiltinInfo{Builtin::Exp, 1})
      .Case("log", BuiltinInfo{Builtin::Log, 1})
      .Case("sqrt", BuiltinInfo{Builtin::Sqrt, 1})
      .Case("abs", BuiltinInfo{Builtin::Abs, 1})
      .Case("min", BuiltinInfo{Builtin::Min, 2})
      .Case("max", BuiltinInfo{Builtin::Max, 2})
      .Case("exprel", BuiltinInfo{Builtin::Exprel, 1})
      .Case("sin", BuiltinInfo{Builtin::Sin, 1})
      .Case("cos", BuiltinInfo{Builtin::Cos, 1})
      .Case("tanh", BuiltinInfo{Builtin::Tanh, 1})
      .Case("clip", BuiltinInfo{Builtin::Clip, 3})
      .Default(std::nullopt);
}

const std::vector<std::string> &builtinNames() {
  static const std::vector<std::string> names = {
      "exp", "log",  "sqrt", "abs",    "min",     "max",  "exprel", "sin",
      "cos", "tanh", "clip", "normal", "uniform", "rand", "randn"};
  return names;
}

bool isReservedName(StringRef name) {
  return llvm::is_contained({"t", "dt", "i", "w"}, name);
}

std::string quoted(StringRef text) { return ("'" + text + "'").str(); }

/// One message for an unknown integrator, after `integrator` or `using`.
std::string unknownIntegrator(StringRef name) {
  std::vector<std::string> names;
  for (const IntegratorInfo &info : integrators())
    names.push_back(info.name);
  std::string suggestion = closestMatch(name, names);
  return "unknown integrator " + quoted(name) +
         (suggestion.empty() ? "; expected " + integratorList()
                             : "; did you mean " + quoted(suggestion) + "?");
}

/// The parameter a divisor is, up to constant factors and signs (unit
/// conversions are such factors): `tau`, `2 * tau`, `-tau`; null when it
/// is anything else.
const Expr *divisorParam(const Expr &expr) {
  switch (expr.op) {
  case Op::Param:
    return &expr;
  case Op::Negate:
    return divisorParam(*expr.args[0]);
  case Op::Mul:
    if (expr.args[0]->op == Op::Constant)
      return divisorParam(*expr.args[1]);
    if (expr.args[1]->op == Op::Constant)
      return divisorParam(*expr.args[0]);
    return nullptr;
  case Op::Div:
    return expr.args[1]->op == Op::Constant ? divisorParam(*expr.args[0])
                                            : nullptr;
  default:
    return nullptr;
  }
}

/// Gives the parameters that divide in `expr` their rule (Param::rule):
/// positive for times and capacitances, non-zero otherwise. `where` names
/// the expression for the reason ("dV/dt").
void markDivisors(const Expr &expr, std::vector<Param> &params,
                  const std::string &where) {
  if (expr.op == Op::Div)
    if (const Expr *leaf = divisorParam(*expr.args[1])) {
      Param &param = params[leaf->index];
      bool positive = param.unit.sameDimension(*lookupUnit("ms")) ||
                      param.unit.sameDimension(*lookupUnit("F"));
      Param::Rule rule =
          positive ? Param::Rule::Positive : Param::Rule::NonZero;
      if (param.rule == Param::Rule::Any ||
          param.rule == Param::Rule::NonNegative ||
          (param.rule == Param::Rule::NonZero && positive)) {
        param.rule = rule;
        param.ruleReason =
            std::string(positive ? (param.unit.sameDimension(*lookupUnit("F"))
                                        ? "a capacitance: "
                                        : "a time constant: ")
                                 : "") +
            "it divides in " + where;
      }
    }
  for (const ExprP &arg : expr.args)
    markDivisors(*arg, params, where);
}

class Sema {
public:
  explicit Sema(DiagnosticEngine &diags) : diags(diags) {}
  std::optional<Model> run(const ast::Module &module);

private:
  //===--- Units and expressions -------------------------------------===//
  std::optional<Unit> resolveUnitFactor(const ast::UnitFactor &factor,
                                        const Scope *scope);
  std::optional<Unit> resolveUnit(const ast::UnitExpr &unit);
  ExprP check(const ast::Expr &expr, const Scope &scope,
              bool unitAllowed = false);
  /// `unitAllowed`: the name is the right operand of `*` or `/`, the one
  /// place a bare unit name (`10 mV/ms`, `x / mV`) may stand.
  ExprP checkName(const ast::Expr &expr, const Scope &scope,
                  bool unitAllowed = false);
  ExprP checkCall(const ast::Expr &expr, const Scope &scope);
  /// rand() / randn(): a Random leaf, where the scope allows draws.
  ExprP checkRandomDraw(const ast::Expr &expr, const Scope &scope);
  ExprP checkBinary(const ast::Expr &expr, const Scope &scope,
                    bool unitAllowed);
  ExprP requireNumber(ExprP expr, const Twine &what);
  ExprP requireBoolean(ExprP expr, const Twine &what);
  /// Converts `expr` into `target` (same dimension), or reports
  /// "`what` has dimension X, expected Y" at `where`.
  ExprP convert(ExprP expr, const Unit &target, SMRange where,
                const Twine &what);
  /// Dimensionless values with a scale (mV/V) become plain numbers.
  ExprP toPlainNumber(ExprP expr);
  std::optional<double> requireConstant(const ExprP &expr, SMRange where,
                                        const Twine &what);
  /// Checks a constant expression of unit `target`; returns its value.
  std::optional<double> constantValue(const ast::Expr &expr, const Unit &target,
                                      const Twine &what);

  //===--- Declarations ----------------------------------------------===//
  /// Whether the block being checked reserves `w` (a synapse's weight).
  bool reserveWeight = false;
  /// Reports a duplicate if `name` is already in `seen`; records it.
  bool declare(std::map<std::string, SMRange> &seen, const ast::Ident &name,
               StringRef kind);
  bool checkVariables(const std::vector<ast::VariableDecl> &decls,
                      std::vector<Param> *params, std::vector<State> *states,
                      const Scope &valueScope,
                      std::map<std::string, SMRange> &seen,
                      bool readEarlierStates = false);
  void checkEquations(const ast::ModelBody &body, const Scope &scope,
                      const std::vector<State> &states,
                      std::vector<Equation> &equations);
  /// Checks `let` subexpressions in order, each in `scope` with the ones
  /// before it, and adds them to `scope` (and to `later`, scopes checked
  /// after, which may read them too). Names go into `seen`.
  void checkLets(const std::vector<ast::VariableDecl> &lets, Scope &scope,
                 std::map<std::string, SMRange> &seen,
                 std::vector<Scope *> later = {});
  /// Equations with white noise: Euler-Maruyama (the integrator `euler`,
  /// chosen when none was), additive noise only.
  void checkNoise(NeuronModel &neuron);
  /// `refractory DURATION` or `refractory while COND`, and which states it
  /// holds (`unless refractory` equations).
  void checkRefractoriness(const ast::NeuronDecl &decl, const Scope &paramScope,
                           const Scope &scope, NeuronModel &neuron);
  /// `on_pre` / `on_spike` statements: each changes one of `states` by a
  /// value of `scope`, in its unit (a plain factor for *= and /=).
  void checkAssignments(llvm::ArrayRef<ast::Assignment> assigns,
                        const std::vector<State> &states, const Scope &scope,
                        const std::string &what, const std::string &owner,
                        std::vector<AssignStatement> &out);
  void checkNeuron(const ast::NeuronDecl &decl);
  /// Checks synapse `synapseId`'s `on_pre X_post` statements against the
  /// target neuron `post` of a projection: at the first such projection it
  /// adds the hidden states and their statements (and, if nothing else
  /// reads it, gives `w` its unit); later ones must have the same X.
  bool resolveTargetJumps(unsigned synapseId, const NeuronModel &post,
                          const ast::ProjectionDecl &decl);
  /// `delay D`: a positive time; the synapse's on_pre statements must be
  /// increments that can wait in a ring buffer.
  bool checkDelay(const ast::ProjectionDecl &decl, const SynapseModel &synapse,
                  Projection &proj);
  /// The projection's output: its parameters, the input it feeds and its
  /// current (Projection::current).
  bool checkOutput(const ast::ProjectionDecl &decl, unsigned outputId,
                   const SynapseModel &synapse, const NeuronModel &post,
                   Projection &proj);
  void checkSynapse(const ast::SynapseDecl &decl);
  void checkOutput(const ast::OutputDecl &decl);
  void checkPopulation(const ast::PopulationDecl &decl);
  void checkProjection(const ast::ProjectionDecl &decl);
  void checkDrive(const ast::DriveDecl &decl);
  void checkPoissonInput(const ast::PoissonInputDecl &decl);
  void checkRun(const ast::RunDecl &decl);

  /// Matches a model call's named or positional arguments (after the first
  /// `skip` positional ones) to `params`; returns a value per parameter.
  /// `ranges`: where each value was given (the argument, or the
  /// parameter's default).
  std::optional<std::vector<double>>
  bindParams(const ast::Call &call, const std::vector<Param> &params,
             size_t skip, StringRef kind, StringRef modelName,
             SMRange modelRange, std::vector<SMRange> &ranges);
  /// Reports the values that break their parameter's rule (Param::rule);
  /// false if there was one.
  bool checkRules(const std::vector<Param> &params,
                  const std::vector<double> &values,
                  const std::vector<SMRange> &ranges,
                  const std::vector<bool> *skip = nullptr);
  std::optional<Initializer> checkInitializer(const ast::Expr &value,
                                              bool sampled, const Unit &unit,
                                              const Scope &scope,
                                              const Twine &what);
  std::optional<Slice> resolveSlice(const ast::PopulationRef &ref);
  template <typename T>
  std::optional<unsigned> lookupDecl(const llvm::StringMap<unsigned> &table,
                                     const std::vector<T> &decls,
                                     const ast::Ident &name, StringRef kind);
  std::optional<Connectivity> checkConnectivity(const ast::Call &call,
                                                const Slice &source,
                                                const Slice &target);

  DiagnosticEngine &diags;
  Model model;
  llvm::StringMap<unsigned> neuronIndex, synapseIndex, outputIndex,
      populationIndex;
  std::vector<const ast::OutputDecl *> outputDecls;
  /// Per synapse model: its `on_pre X_post ...` statements, checked at the
  /// first projection, which says what X is (resolveTargetJumps).
  struct PendingJumps {
    std::vector<const ast::Assignment *> assigns;
    Scope scope; ///< The scope of its on_pre statements.
    bool resolved = false, failed = false;
    std::string firstTarget; ///< The neuron model they were resolved for.
  };
  std::map<unsigned, PendingJumps> pendingJumps;
  std::vector<std::string> neuronNames, synapseNames, outputNames,
      populationNames;
  /// Output/synapse/neuron combinations whose current failed to check, so
  /// each problem is reported once however many projections share it.
  std::set<std::tuple<unsigned, unsigned, unsigned, unsigned>> failedCurrents;
  /// Names in the model being checked whose declaration had an error. Uses
  /// of them are not reported again, nor read as a bare unit (`V` as volt).
  std::set<std::string> failedNames;
  /// Populations whose declaration had an error, so that projections,
  /// drives and records naming them are not reported as unknown too.
  std::set<std::string> failedPopulations;
  /// Where values breaking a parameter's rule were reported.
  std::set<const char *> ruleErrors;
};

//===----------------------------------------------------------------------===//
// Units
//===----------------------------------------------------------------------===//

std::optional<Unit> Sema::resolveUnitFactor(const ast::UnitFactor &factor,
                                            const Scope *scope) {
  std::optional<Unit> unit = lookupUnit(factor.symbol.name);
  if (unit) {
    // Every symbol is a power of ten of whole exponents, so its half
    // powers exist too (ms^0.5 is 10^-1.5 s^0.5).
    std::optional<Unit> power = unit->raisedTo(factor.power);
    if (!power)
      diags.error(factor.symbol.range, "cannot raise " + unit->str() +
                                           " to the power " +
                                           factor.power.str());
    return power;
  }
  std::string message = "unknown unit " + quoted(factor.symbol.name);
  if (scope && scope->symbols.count(factor.symbol.name)) {
    diags.error(factor.symbol.range,
                message + "; write '* " + factor.symbol.name +
                    "' to multiply by " + quoted(factor.symbol.name));
    return std::nullopt;
  }
  std::string suggestion = closestMatch(factor.symbol.name, knownUnitSymbols());
  if (!suggestion.empty())
    message += "; did you mean " + quoted(suggestion) + "?";
  diags.error(factor.symbol.range, message);
  return std::nullopt;
}

std::optional<Unit> Sema::resolveUnit(const ast::UnitExpr &expr) {
  Unit unit;
  bool ok = true;
  for (const ast::UnitFactor &factor : expr.factors) {
    std::optional<Unit> resolved = resolveUnitFactor(factor, nullptr);
    if (!resolved)
      ok = false;
    else
      unit = expr.factors.size() == 1 ? *resolved : unit * *resolved;
  }
  if (!ok)
    return std::nullopt;
  return unit;
}

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

ExprP Sema::requireNumber(ExprP expr, const Twine &what) {
  // A condition where a number is meant is 1 or 0: `(t >= 20 ms) * I_0`.
  if (expr && expr->isBoolean)
    return makeNode(Op::Select, {expr, makeConstant(1.0), makeConstant(0.0)},
                    Unit(), expr->range);
  return expr;
}

ExprP Sema::requireBoolean(ExprP expr, const Twine &what) {
  if (expr && !expr->isBoolean) {
    diags.error(expr->range,
                what + " must be a condition (such as 'V >= V_th')");
    return nullptr;
  }
  return expr;
}

ExprP Sema::toPlainNumber(ExprP expr) {
  if (!expr->unit.isDimensionless() || expr->unit.scale().isOne())
    return expr;
  return makeNode(Op::Mul, {expr, makeConstant(expr->unit.scale().toDouble())},
                  Unit(), expr->range);
}

ExprP Sema::convert(ExprP expr, const Unit &target, SMRange where,
                    const Twine &what) {
  if (!expr)
    return nullptr;
  if (!expr->unit.sameDimension(target)) {
    diags.error(where, what + " has dimension " + expr->unit.str() +
                           ", expected " + target.str());
    return nullptr;
  }
  Scale factor = conversionScale(expr->unit, target);
  if (factor.isOne()) {
    if (expr->unit.str() == target.str())
      return expr;
    // Same value, but carry the target's spelling.
    auto relabelled = std::make_shared<Expr>(*expr);
    relabelled->unit = target;
    return relabelled;
  }
  return makeNode(Op::Mul, {expr, makeConstant(factor.toDouble())}, target,
                  expr->range);
}

ExprP Sema::check(const ast::Expr &expr, const Scope &scope, bool unitAllowed) {
  switch (expr.kind) {
  case ast::ExprKind::Number: {
    Unit unit;
    if (expr.unit) {
      std::optional<Unit> resolved = resolveUnitFactor(*expr.unit, &scope);
      if (!resolved)
        return nullptr;
      unit = *resolved;
    }
    ExprP constant = makeConstant(expr.number, unit);
    std::const_pointer_cast<Expr>(constant)->range = expr.range;
    return constant;
  }
  case ast::ExprKind::Name:
    return checkName(expr, scope, unitAllowed);
  case ast::ExprKind::Conditional: {
    // `A if C else B`: both values in A's unit, C a condition.
    ExprP value = requireNumber(check(*expr.operands[0], scope), "a value");
    ExprP condition = requireBoolean(check(*expr.operands[1], scope),
                                     "the condition after 'if'");
    ExprP otherwise = requireNumber(check(*expr.operands[2], scope), "a value");
    if (!value || !condition || !otherwise)
      return nullptr;
    if (!otherwise->unit.sameDimension(value->unit)) {
      diags.error(expr.operands[2]->range,
                  "the value after 'else' has dimension " +
                      otherwise->unit.str() + ", but the value before 'if' " +
                      value->unit.str());
      return nullptr;
    }
    otherwise = convert(otherwise, value->unit, expr.operands[2]->range,
                        "the value after 'else'");
    return makeNode(Op::Select, {condition, value, otherwise}, value->unit,
                    expr.range);
  }
  case ast::ExprKind::Call: {
    // Fold calls on constants (`exp(1)`, `min(3, 4)`) as makeNode folds
    // arithmetic, so that parameter defaults and arguments may use them.
    ExprP call = checkCall(expr, scope);
    if (!call || call->op != Op::Call ||
        !llvm::all_of(call->args,
                      [](const ExprP &arg) { return arg->op == Op::Constant; }))
      return call;
    ExprP folded = makeConstant(
        evaluate(*call, [](const Expr &) { return 0.0; }), call->unit);
    std::const_pointer_cast<Expr>(folded)->range = expr.range;
    return folded;
  }
  case ast::ExprKind::Unary: {
    ExprP operand = check(*expr.operands[0], scope);
    if (!operand)
      return nullptr;
    if (expr.unaryOp == ast::UnaryOp::Not) {
      if (!requireBoolean(operand, "the operand of 'not'"))
        return nullptr;
      return makeNode(Op::Not, {operand}, Unit(), expr.range);
    }
    operand = requireNumber(operand, "the operand of '-'");
    if (!operand)
      return nullptr;
    if (expr.unaryOp == ast::UnaryOp::Plus)
      return operand;
    return makeNode(Op::Negate, {operand}, operand->unit, expr.range);
  }
  case ast::ExprKind::Binary:
    return checkBinary(expr, scope, unitAllowed);
  }
  return nullptr;
}

ExprP Sema::checkName(const ast::Expr &expr, const Scope &scope,
                      bool unitAllowed) {
  const std::string &name = expr.name.name;
  auto found = scope.symbols.find(name);
  if (found != scope.symbols.end()) {
    const Symbol &symbol = found->second;
    if (symbol.value)
      return symbol.value; // a subexpression stands for its expression
    return makeLeaf(symbol.op, symbol.index, symbol.unit, expr.range);
  }
  if (name == "t" || name == "dt") {
    if (!scope.allowTime) {
      diags.error(expr.range,
                  quoted(name) + " cannot be used in " + scope.context);
      return nullptr;
    }
    return makeLeaf(name == "t" ? Op::Time : Op::Dt, 0, millisecond(),
                    expr.range);
  }
  if (name == "i") {
    if (!scope.allowIndex) {
      diags.error(expr.range, "'i' (the neuron index) cannot be used in " +
                                  Twine(scope.context));
      return nullptr;
    }
    return makeLeaf(Op::NeuronIndex, 0, Unit(), expr.range);
  }
  if (name == "xi" || StringRef(name).starts_with("xi_")) {
    if (!scope.noise) {
      diags.error(expr.range, quoted(name) +
                                  " (white noise) can only be read in a "
                                  "neuron's differential equations");
      return nullptr;
    }
    ExprP &leaf = (*scope.noise)[name];
    if (!leaf) { // one draw per name: the same noise wherever it is read
      if (*scope.randomSites >= maxDrawSites) {
        diags.error(expr.range, "a neuron model makes at most " +
                                    Twine(maxDrawSites) + " random draws");
        return nullptr;
      }
      auto noise = std::make_shared<Expr>();
      noise->op = Op::Random;
      noise->draw = Draw::WhiteNoise;
      noise->index = (*scope.randomSites)++;
      noise->unit = Unit() / *millisecond().sqrt();
      noise->range = expr.range;
      leaf = noise;
    }
    return leaf;
  }
  if (name == "pi") { // unless the model declares its own
    ExprP pi = makeConstant(M_PI);
    std::const_pointer_cast<Expr>(pi)->range = expr.range;
    return pi;
  }
  if (failedNames.count(name))
    return nullptr; // its declaration's error is reported already
  // A bare unit name is one of that unit: `10 mV/ms` is (10 mV) / (1 ms).
  // Only right of `*` or `/`: elsewhere (`E - V`) it is far likelier a
  // misspelt variable than one volt.
  std::optional<Unit> unit = lookupUnit(name);
  if (unit && unitAllowed) {
    ExprP one = makeConstant(1.0, *unit);
    std::const_pointer_cast<Expr>(one)->range = expr.range;
    return one;
  }
  if (auto declared = scope.unreadable.find(name);
      declared != scope.unreadable.end()) {
    diags.error(expr.range, quoted(name) + " is " + declared->second +
                                ", which cannot be read in " + scope.context);
    return nullptr;
  }
  std::vector<std::string> candidates;
  for (const auto &entry : scope.symbols)
    candidates.push_back(entry.first);
  std::string suggestion = closestMatch(name, candidates);
  if (suggestion.empty() && !unit)
    suggestion = closestMatch(name, knownUnitSymbols());
  std::string message = "unknown name " + quoted(name);
  if (!suggestion.empty())
    message += "; did you mean " + quoted(suggestion) + "?";
  if (unit)
    message += " (for the unit, write a number: '1 " + name + "')";
  diags.error(expr.range, message);
  return nullptr;
}

ExprP Sema::checkRandomDraw(const ast::Expr &expr, const Scope &scope) {
  const std::string &name = expr.name.name;
  if (!expr.operands.empty()) {
    diags.error(expr.range, quoted(name) + " takes no arguments");
    return nullptr;
  }
  if (!scope.randomSites) {
    diags.error(expr.range,
                quoted(name) +
                    " draws a new number for each neuron at every step; it "
                    "cannot be used in " +
                    scope.context +
                    " (a value drawn once is written with '~ uniform(...)' "
                    "or '~ normal(...)' where the population is declared)");
    return nullptr;
  }
  if (*scope.randomSites >= maxDrawSites) {
    diags.error(expr.range, "a neuron model makes at most " +
                                Twine(maxDrawSites) +
                                " calls of rand() and randn()");
    return nullptr;
  }
  auto leaf = std::make_shared<Expr>();
  leaf->op = Op::Random;
  leaf->draw = name == "randn" ? Draw::Normal : Draw::Uniform;
  leaf->index = (*scope.randomSites)++;
  leaf->range = expr.range;
  return leaf;
}

ExprP Sema::checkCall(const ast::Expr &expr, const Scope &scope) {
  const std::string &name = expr.name.name;
  if (name == "normal" || name == "uniform") {
    diags.error(expr.name.range,
                quoted(name) + " draws random values; it can only initialise a "
                               "population variable or a weight, with '~'");
    return nullptr;
  }
  if (name == "rand" || name == "randn")
    return checkRandomDraw(expr, scope);
  std::optional<BuiltinInfo> info = lookupBuiltin(name);
  if (!info) {
    std::string message = "unknown function " + quoted(name);
    std::string suggestion = closestMatch(name, builtinNames());
    if (!suggestion.empty())
      message += "; did you mean " + quoted(suggestion) + "?";
    diags.error(expr.name.range, message);
    return nullptr;
  }
  for (const ast::Ident &argName : expr.argumentNames)
    if (!argName.empty()) {
      diags.error(argName.range, quoted(name) + " takes no named arguments");
      return nullptr;
    }
  if (expr.operands.size() != info->arity) {
    diags.error(expr.range, quoted(name) + " expects " + Twine(info->arity) +
                                " argument" + (info->arity == 1 ? "" : "s") +
                                ", got " + Twine(expr.operands.size()));
    return nullptr;
  }
  std::vector<ExprP> args;
  for (const ast::ExprPtr &operand : expr.operands) {
    ExprP arg =
        requireNumber(check(*operand, scope), "an argument of " + quoted(name));
    if (!arg)
      return nullptr;
    args.push_back(arg);
  }
  switch (info->fn) {
  case Builtin::Exp:
  case Builtin::Log:
  case Builtin::Exprel:
  case Builtin::Sin:
  case Builtin::Cos:
  case Builtin::Tanh:
    if (!args[0]->unit.isDimensionless()) {
      diags.error(expr.operands[0]->range,
                  "the argument of " + quoted(name) +
                      " must be dimensionless, found " + args[0]->unit.str());
      return nullptr;
    }
    return makeCall(info->fn, {toPlainNumber(args[0])}, Unit(), expr.range);
  case Builtin::Sqrt: {
    const Unit &unit = args[0]->unit;
    std::optional<Dimension> half = unit.dimension().sqrt();
    if (!half) {
      diags.error(expr.operands[0]->range,
                  "cannot take the square root of " + unit.str() +
                      ": dimensions have integer or half-integer "
                      "exponents, not quarters");
      return nullptr;
    }
    if (!half->hasHalfExponents()) {
      // Even exponents: the root of the coherent value, so the result has
      // a clean unit (sqrt(mV*mV) is in V).
      Unit coherent(unit.dimension(), Scale());
      ExprP plain =
          convert(args[0], coherent, expr.range, "the argument of 'sqrt'");
      return makeCall(Builtin::Sqrt, {plain}, Unit(*half, Scale()), expr.range);
    }
    // Odd exponents: the root of the unit as written, exact and without a
    // conversion (sqrt(2 / tau) with tau in ms is in 1/ms^0.5).
    std::optional<Unit> root = unit.sqrt();
    if (!root) {
      diags.error(expr.operands[0]->range,
                  "cannot take the square root of " + unit.str() +
                      ": its scale is not the square of a rational number "
                      "times a power of ten");
      return nullptr;
    }
    return makeCall(Builtin::Sqrt, {args[0]}, *root, expr.range);
  }
  case Builtin::Abs:
    return makeCall(Builtin::Abs, {args[0]}, args[0]->unit, expr.range);
  case Builtin::Min:
  case Builtin::Max:
  case Builtin::Clip: {
    for (size_t a = 1; a < args.size(); ++a) {
      args[a] = convert(args[a], args[0]->unit, expr.operands[a]->range,
                        "argument " + Twine(a + 1) + " of " + quoted(name));
      if (!args[a])
        return nullptr;
    }
    Unit unit = args[0]->unit;
    return makeCall(info->fn, std::move(args), unit, expr.range);
  }
  }
  return nullptr;
}

ExprP Sema::checkBinary(const ast::Expr &expr, const Scope &scope,
                        bool unitAllowed) {
  // Bare units may stand right of `*` and `/`, and as the base of a power
  // that stands there (`mV/ms^2`).
  bool scaling = expr.binaryOp == ast::BinaryOp::Mul ||
                 expr.binaryOp == ast::BinaryOp::Div;
  ExprP lhs = check(*expr.operands[0], scope,
                    expr.binaryOp == ast::BinaryOp::Pow && unitAllowed);
  ExprP rhs = check(*expr.operands[1], scope, scaling);
  if (!lhs || !rhs)
    return nullptr;
  ast::BinaryOp op = expr.binaryOp;
  const char *spelling = ast::binaryOpSpelling(op);
  if (op == ast::BinaryOp::And || op == ast::BinaryOp::Or) {
    if (!requireBoolean(lhs, Twine("the left side of '") + spelling + "'") ||
        !requireBoolean(rhs, Twine("the right side of '") + spelling + "'"))
      return nullptr;
    return makeNode(op == ast::BinaryOp::And ? Op::And : Op::Or, {lhs, rhs},
                    Unit(), expr.range);
  }
  // Comparisons are numbers (1 or 0) here; requireNumber converts them.
  lhs = requireNumber(lhs, Twine("the left side of '") + spelling + "'");
  rhs = requireNumber(rhs, Twine("the right side of '") + spelling + "'");
  if (!lhs || !rhs)
    return nullptr;

  switch (op) {
  case ast::BinaryOp::Mul:
    return makeNode(Op::Mul, {lhs, rhs}, lhs->unit * rhs->unit, expr.range);
  case ast::BinaryOp::Div:
    return makeNode(Op::Div, {lhs, rhs}, lhs->unit / rhs->unit, expr.range);
  case ast::BinaryOp::Pow: {
    if (!rhs->unit.isDimensionless()) {
      diags.error(expr.operands[1]->range,
                  "an exponent must be dimensionless, found " +
                      rhs->unit.str());
      return nullptr;
    }
    rhs = toPlainNumber(rhs);
    if (lhs->unit.isDimensionless())
      return makeNode(Op::Pow, {toPlainNumber(lhs), rhs}, Unit(), expr.range);
    // Half-integers are exact in binary: 2 * value is an integer exactly
    // when the value is one of them.
    double halves = rhs->op == Op::Constant ? 2 * rhs->value : 0.5;
    if (halves != std::floor(halves) || std::abs(halves) > 128) {
      diags.error(expr.operands[1]->range,
                  "raising " + lhs->unit.str() +
                      " to a power needs a constant integer or "
                      "half-integer exponent");
      return nullptr;
    }
    Exponent power = Exponent::fromHalves(static_cast<int64_t>(halves));
    std::optional<Unit> unit = lhs->unit.raisedTo(power);
    if (!unit) {
      diags.error(expr.operands[1]->range,
                  "cannot raise " + lhs->unit.str() + " to the power " +
                      power.str() +
                      ": dimensions have integer or half-integer "
                      "exponents, not quarters");
      return nullptr;
    }
    return makeNode(Op::Pow, {lhs, rhs}, *unit, expr.range);
  }
  default:
    break;
  }

  // +, - and comparisons need one dimension; the right side takes the left
  // side's unit.
  bool comparison = ast::isComparison(op);
  if (!lhs->unit.sameDimension(rhs->unit)) {
    const char *verb = op == ast::BinaryOp::Add   ? "add"
                       : op == ast::BinaryOp::Sub ? "subtract"
                                                  : "compare";
    std::string message = std::string("cannot ") + verb + " " +
                          lhs->unit.str() + " and " + rhs->unit.str();
    diags.error(expr.opRange, message);
    return nullptr;
  }
  rhs = convert(rhs, lhs->unit, expr.range, "the right side");
  Op typed;
  switch (op) {
  case ast::BinaryOp::Add:
    typed = Op::Add;
    break;
  case ast::BinaryOp::Sub:
    typed = Op::Sub;
    break;
  case ast::BinaryOp::Less:
    typed = Op::Less;
    break;
  case ast::BinaryOp::LessEqual:
    typed = Op::LessEqual;
    break;
  case ast::BinaryOp::Greater:
    typed = Op::Greater;
    break;
  case ast::BinaryOp::GreaterEqual:
    typed = Op::GreaterEqual;
    break;
  case ast::BinaryOp::Equal:
    typed = Op::Equal;
    break;
  default:
    typed = Op::NotEqual;
    break;
  }
  return makeNode(typed, {lhs, rhs}, comparison ? Unit() : lhs->unit,
                  expr.range);
}

std::optional<double> Sema::requireConstant(const ExprP &expr, SMRange where,
                                            const Twine &what) {
  if (!expr)
    return std::nullopt;
  if (expr->op != Op::Constant) {
    diags.error(where, what + " must be a constant");
    return std::nullopt;
  }
  if (!std::isfinite(expr->value)) {
    diags.error(where, what + " is not a finite number");
    return std::nullopt;
  }
  return expr->value;
}

std::optional<double> Sema::constantValue(const ast::Expr &expr,
                                          const Unit &target,
                                          const Twine &what) {
  Scope constants;
  constants.context = "a constant";
  ExprP value = requireNumber(check(expr, constants), what);
  value = convert(value, target, expr.range, what);
  return requireConstant(value, expr.range, what);
}

//===----------------------------------------------------------------------===//
// Model definitions
//===----------------------------------------------------------------------===//

bool Sema::declare(std::map<std::string, SMRange> &seen, const ast::Ident &name,
                   StringRef kind) {
  // `w` means the weight in a synapse only: a neuron may call its
  // adaptation current w (AdEx).
  if (isReservedName(name.name) && (name.name != "w" || reserveWeight)) {
    diags.error(name.range, quoted(name.name) +
                                " is a reserved name (t: time, dt: time "
                                "step, i: neuron index, w: weight)");
    return false;
  }
  auto [it, inserted] = seen.emplace(name.name, name.range);
  if (!inserted) {
    diags.error(name.range, "redefinition of " + quoted(name.name));
    diags.note(it->second, "previous definition is here");
    return false;
  }
  return true;
}

bool Sema::checkVariables(const std::vector<ast::VariableDecl> &decls,
                          std::vector<Param> *params,
                          std::vector<State> *states, const Scope &scope,
                          std::map<std::string, SMRange> &seen,
                          bool readEarlierStates) {
  bool ok = true;
  Scope valueScope = scope;
  for (const ast::VariableDecl &decl : decls) {
    bool fresh = declare(seen, decl.name, params ? "parameter" : "state");
    auto fail = [&] {
      ok = false;
      if (fresh)
        failedNames.insert(decl.name.name);
    };
    std::optional<Unit> unit;
    if (decl.unit) {
      unit = resolveUnit(*decl.unit);
      if (!unit) {
        fail();
        continue;
      }
    }
    ExprP value;
    if (decl.value) {
      value = requireNumber(check(*decl.value, valueScope),
                            "the value of " + quoted(decl.name.name));
      if (value && unit)
        value = convert(value, *unit, decl.value->range,
                        "the value of " + quoted(decl.name.name));
      if (!value) {
        fail();
        continue;
      }
      if (!unit)
        unit = value->unit;
    }
    if (!unit || !fresh) {
      fail();
      continue;
    }
    if (params) {
      if (value && !requireConstant(value, decl.value->range,
                                    "the value of " + quoted(decl.name.name))) {
        fail();
        continue;
      }
      params->push_back(Param{decl.name.name, *unit, value, decl.range,
                              Param::Rule::Any, ""});
    } else {
      if (!value)
        value = makeConstant(0.0, *unit);
      states->push_back(State{decl.name.name, *unit, value, decl.range});
      // A neuron's next states may start from this one's value (u = b * v).
      if (readEarlierStates) {
        valueScope.unreadable.erase(decl.name.name);
        valueScope.add(decl.name.name, Op::State, states->size() - 1, *unit);
      }
    }
  }
  return ok;
}

void Sema::checkEquations(const ast::ModelBody &body, const Scope &scope,
                          const std::vector<State> &states,
                          std::vector<Equation> &equations) {
  // The block default, then a per-equation `using`.
  Integrator blockDefault = Integrator::ExpEuler;
  std::string blockReason = "default";
  if (!body.integrator.empty()) {
    if (std::optional<Integrator> chosen =
            parseIntegrator(body.integrator.name)) {
      blockDefault = *chosen;
      blockReason = "set by 'integrator' in " + body.name.name;
    } else {
      diags.error(body.integrator.range,
                  unknownIntegrator(body.integrator.name));
    }
  }
  std::map<std::string, SMRange> integrated;
  for (const ast::OdeDecl &ode : body.odes) {
    auto stateIt = llvm::find_if(
        states, [&](const State &s) { return s.name == ode.state.name; });
    if (stateIt == states.end()) {
      if (failedNames.count(ode.state.name))
        continue;
      auto symbol = scope.symbols.find(ode.state.name);
      if (symbol != scope.symbols.end())
        diags.error(
            ode.state.range,
            "cannot integrate " + quoted(ode.state.name) + ": it is " +
                (symbol->second.op == Op::Param ? "a parameter" : "an input") +
                ", not a state");
      else
        diags.error(ode.state.range, "unknown state " + quoted(ode.state.name) +
                                         " in d" + ode.state.name + "/dt");
      continue;
    }
    unsigned stateIndex = stateIt - states.begin();
    auto [previous, fresh] = integrated.emplace(ode.state.name, ode.range);
    if (!fresh) {
      diags.error(ode.range, "second equation for " + quoted(ode.state.name));
      diags.note(previous->second, "first equation is here");
      continue;
    }
    ExprP rhs =
        requireNumber(check(*ode.rhs, scope), "d" + ode.state.name + "/dt");
    if (!rhs)
      continue;
    Unit expected = stateIt->unit / millisecond();
    if (!rhs->unit.sameDimension(expected)) {
      diags.error(SMRange(ode.range.Start, ode.state.range.End),
                  "d" + ode.state.name + "/dt has dimension " +
                      rhs->unit.str() + ", expected " + expected.str());
      continue;
    }
    rhs = convert(rhs, expected, ode.rhs->range, "the right-hand side");
    Equation eq{stateIndex, rhs, blockDefault, blockReason, ode.range};
    if (!ode.integrator.empty()) {
      if (std::optional<Integrator> chosen =
              parseIntegrator(ode.integrator.name)) {
        eq.integrator = *chosen;
        eq.integratorReason = "written after the equation";
      } else {
        diags.error(ode.integrator.range,
                    unknownIntegrator(ode.integrator.name));
        continue;
      }
    }
    equations.push_back(std::move(eq));
  }
}

void Sema::checkNeuron(const ast::NeuronDecl &decl) {
  NeuronModel neuron;
  failedNames.clear();
  reserveWeight = false;
  neuron.name = decl.name.name;
  neuron.range = decl.name.range;
  std::map<std::string, SMRange> seen;

  std::map<std::string, std::string> declared =
      declaredNames(decl, "neuron " + quoted(neuron.name));
  for (const ast::InputDecl &input : decl.inputs)
    declared.emplace(input.name.name,
                     "an input of neuron " + quoted(neuron.name));
  Scope constants;
  constants.context = "a parameter value";
  constants.unreadable = declared;
  checkVariables(decl.params, &neuron.params, nullptr, constants, seen);
  Scope paramScope;
  paramScope.context = "an initial value";
  paramScope.unreadable = declared;
  for (unsigned p = 0; p < neuron.params.size(); ++p)
    paramScope.add(neuron.params[p].name, Op::Param, p, neuron.params[p].unit);
  checkVariables(decl.states, nullptr, &neuron.states, paramScope, seen,
                 /*readEarlierStates=*/true);
  for (const ast::InputDecl &input : decl.inputs) {
    if (!declare(seen, input.name, "input"))
      continue;
    if (std::optional<Unit> unit = resolveUnit(input.unit))
      neuron.inputs.push_back(Input{input.name.name, *unit, input.range});
    else
      failedNames.insert(input.name.name);
  }

  Scope scope = paramScope;
  scope.allowTime = true;
  scope.randomSites = &neuron.randomSites;
  scope.context = "a neuron equation";
  for (unsigned s = 0; s < neuron.states.size(); ++s)
    scope.add(neuron.states[s].name, Op::State, s, neuron.states[s].unit);
  for (unsigned i = 0; i < neuron.inputs.size(); ++i)
    scope.add(neuron.inputs[i].name, Op::Input, i, neuron.inputs[i].unit);
  // Equations read subexpressions once defined; one read before its
  // definition is an unknown name there.
  for (const ast::VariableDecl &let : decl.lets)
    scope.unreadable.erase(let.name.name);
  checkLets(decl.lets, scope, seen);
  std::map<std::string, ExprP> noise;
  {
    Scope equations = scope;
    equations.noise = &noise;
    checkEquations(decl, equations, neuron.states, neuron.equations);
  }
  checkNoise(neuron);

  if (decl.spike) {
    neuron.spike =
        requireBoolean(check(*decl.spike, scope), "the spike condition");
    // `X >= threshold` (or `>`) names the variable a reset acts on.
    if (neuron.spike &&
        (neuron.spike->op == Op::GreaterEqual ||
         neuron.spike->op == Op::Greater) &&
        neuron.spike->args[0]->op == Op::State) {
      neuron.spikeState = neuron.spike->args[0]->index;
      neuron.spikeThreshold = neuron.spike->args[1];
    }
  }
  if (decl.reset) {
    if (!decl.spike) {
      diags.error(decl.reset->range, "a reset needs a spike condition");
    } else if (neuron.spike && !neuron.spikeState) {
      diags.error(decl.reset->range,
                  "a reset needs a spike condition of the form "
                  "'X >= threshold' with X a state");
      diags.note(decl.spikeRange, "spike condition is here");
    } else if (neuron.spikeState) {
      const State &state = neuron.states[*neuron.spikeState];
      neuron.resetValue = convert(
          requireNumber(check(*decl.reset->value, scope), "the reset value"),
          state.unit, decl.reset->value->range, "the reset value");
      neuron.reset = decl.reset->kind == ast::ResetDecl::Soft
                         ? NeuronModel::ResetKind::Soft
                         : NeuronModel::ResetKind::Hard;
    }
  }
  if (!decl.onSpike.empty() && !decl.spike)
    diags.error(decl.onSpike.front().range, "on_spike needs a spike condition");
  else
    checkAssignments(decl.onSpike, neuron.states, scope, "on_spike",
                     quoted(neuron.name), neuron.onSpike);
  checkRefractoriness(decl, paramScope, scope, neuron);
  // What the parameters' meaning requires of their values.
  for (const Equation &eq : neuron.equations)
    markDivisors(*eq.rhs, neuron.params,
                 "d" + neuron.states[eq.state].name + "/dt");
  for (const State &state : neuron.states)
    markDivisors(*state.initialValue, neuron.params,
                 "the initial value of " + quoted(state.name));
  if (neuron.spike)
    markDivisors(*neuron.spike, neuron.params, "the spike condition");
  if (neuron.refractoryCondition)
    markDivisors(*neuron.refractoryCondition, neuron.params,
                 "the refractory condition");
  if (neuron.resetValue)
    markDivisors(*neuron.resetValue, neuron.params, "the reset value");
  for (const AssignStatement &stmt : neuron.onSpike)
    markDivisors(*stmt.value, neuron.params, "on_spike");
  if (neuron.refractory) {
    markDivisors(*neuron.refractory, neuron.params, "the refractory period");
    if (neuron.refractory->op == Op::Constant) {
      if (neuron.refractory->value < 0)
        diags.error(
            decl.refractory->range,
            "the refractory period must not be negative, but it is " +
                formatQuantity(neuron.refractory->value, millisecond()));
    } else if (const Expr *leaf = divisorParam(*neuron.refractory)) {
      Param &param = neuron.params[leaf->index];
      if (param.rule == Param::Rule::Any) {
        param.rule = Param::Rule::NonNegative;
        param.ruleReason = "it is the refractory period";
      }
    }
  }
  neuronIndex[neuron.name] = model.neurons.size();
  neuronNames.push_back(neuron.name);
  model.neurons.push_back(std::move(neuron));
}

void Sema::checkNoise(NeuronModel &neuron) {
  for (Equation &eq : neuron.equations) {
    std::vector<const Expr *> noises;
    std::function<void(const Expr &)> collect = [&](const Expr &e) {
      if (e.op == Op::Random && e.draw == Draw::WhiteNoise &&
          !llvm::is_contained(noises, &e))
        noises.push_back(&e);
      for (const ExprP &arg : e.args)
        collect(*arg);
    };
    collect(*eq.rhs);
    if (noises.empty())
      continue;
    std::string equation = "d" + neuron.states[eq.state].name + "/dt";
    if (eq.integrator != Integrator::Euler) {
      if (eq.integratorReason == "default") {
        eq.integrator = Integrator::Euler;
        eq.integratorReason = "white noise: Euler-Maruyama";
      } else {
        diags.error(eq.range, equation +
                                  " has white noise, which only 'euler' "
                                  "(Euler-Maruyama) integrates; it is " +
                                  integratorName(eq.integrator) + " (" +
                                  eq.integratorReason + ")");
        continue;
      }
    }
    // Euler-Maruyama converges for additive noise: the factor of xi may
    // not depend on a state (nor on xi).
    for (const Expr *noise : noises) {
      ExprP factor = differentiate(
          eq.rhs, [&](const Expr &leaf) { return &leaf == noise; });
      if (!factor || references(*factor, Op::State) ||
          references(*factor, Op::Random))
        diags.error(noise->range,
                    "the noise in " + equation +
                        " must be additive: its factor may not depend on a "
                        "state (multiplicative noise needs a Stratonovich or "
                        "Milstein scheme, which snnc does not have)");
    }
  }
}

void Sema::checkRefractoriness(const ast::NeuronDecl &decl,
                               const Scope &paramScope, const Scope &scope,
                               NeuronModel &neuron) {
  std::vector<unsigned> marked;
  for (const ast::OdeDecl &ode : decl.odes) {
    if (!ode.unlessRefractory.isValid())
      continue;
    if (!decl.refractory && !decl.refractoryCondition) {
      diags.error(ode.unlessRefractory,
                  "'unless refractory' needs a 'refractory' statement");
      return;
    }
    for (unsigned s = 0; s < neuron.states.size(); ++s)
      if (neuron.states[s].name == ode.state.name)
        marked.push_back(s);
  }
  if (!decl.refractory && !decl.refractoryCondition)
    return;
  if (!decl.spike) {
    diags.error(decl.refractoryRange,
                decl.refractory ? "a refractory period needs a spike condition"
                                : "a refractory condition needs a spike "
                                  "condition");
    return;
  }
  if (decl.refractory) {
    neuron.refractory =
        convert(requireNumber(check(*decl.refractory, paramScope),
                              "the refractory period"),
                millisecond(), decl.refractory->range, "the refractory period");
    neuron.refractoryByTime = decl.refractoryByTime;
    // brainpy's LIFRef: the spike variable is what a refractory period holds.
    if (marked.empty() && neuron.spikeState)
      marked.push_back(*neuron.spikeState);
    if (marked.empty() && neuron.spike) {
      diags.error(decl.refractoryRange,
                  "a refractory period holds states, but this one has none "
                  "to hold: mark equations 'unless refractory', or write the "
                  "spike condition as 'X >= threshold' with X a state");
      diags.note(decl.spikeRange, "spike condition is here");
    }
  } else {
    neuron.refractoryCondition = requireBoolean(
        check(*decl.refractoryCondition, scope), "the refractory condition");
  }
  neuron.heldWhileRefractory = std::move(marked);
}

void Sema::checkLets(const std::vector<ast::VariableDecl> &lets, Scope &scope,
                     std::map<std::string, SMRange> &seen,
                     std::vector<Scope *> later) {
  for (const ast::VariableDecl &let : lets) {
    bool fresh = declare(seen, let.name, "subexpression");
    if (!let.value) {
      if (fresh)
        diags.error(let.name.range, "the subexpression " +
                                        quoted(let.name.name) +
                                        " needs a value ('= EXPR')");
      failedNames.insert(let.name.name);
      continue;
    }
    std::string what = "the subexpression " + quoted(let.name.name);
    ExprP value = requireNumber(check(*let.value, scope), what);
    if (value && let.unit) {
      if (std::optional<Unit> unit = resolveUnit(*let.unit))
        value = convert(value, *unit, let.value->range, what);
      else
        value = nullptr;
    }
    if (!value || !fresh) {
      failedNames.insert(let.name.name);
      continue;
    }
    Symbol symbol{Op::Constant, 0, value->unit, value};
    scope.symbols[let.name.name] = symbol;
    for (Scope *other : later)
      other->symbols[let.name.name] = symbol;
  }
}

void Sema::checkAssignments(llvm::ArrayRef<ast::Assignment> assigns,
                            const std::vector<State> &states,
                            const Scope &scope, const std::string &what,
                            const std::string &owner,
                            std::vector<AssignStatement> &out) {
  for (const ast::Assignment &assign : assigns) {
    auto stateIt = llvm::find_if(
        states, [&](const State &s) { return s.name == assign.target.name; });
    if (stateIt == states.end()) {
      if (failedNames.count(assign.target.name))
        continue;
      std::vector<std::string> names;
      for (const State &s : states)
        names.push_back(s.name);
      std::string suggestion = closestMatch(assign.target.name, names);
      diags.error(assign.target.range,
                  what + " can only change a state of " + owner + "; " +
                      quoted(assign.target.name) + " is not one" +
                      (suggestion.empty()
                           ? std::string()
                           : " (did you mean " + quoted(suggestion) + "?)"));
      continue;
    }
    ExprP value =
        requireNumber(check(*assign.value, scope), "the assigned value");
    if (!value)
      continue;
    bool scaling =
        assign.op == ast::AssignOp::Mul || assign.op == ast::AssignOp::Div;
    Unit target = scaling ? Unit() : stateIt->unit;
    if (!value->unit.sameDimension(target)) {
      if (scaling)
        diags.error(assign.value->range,
                    Twine("'") + ast::assignOpSpelling(assign.op) +
                        "' needs a dimensionless factor, found " +
                        value->unit.str());
      else
        diags.error(assign.range, "cannot assign " + value->unit.str() +
                                      " to " + quoted(assign.target.name) +
                                      " (" + stateIt->unit.str() + ")");
      continue;
    }
    value = scaling ? toPlainNumber(value)
                    : convert(value, target, assign.value->range, "the value");
    out.push_back(
        AssignStatement{static_cast<unsigned>(stateIt - states.begin()),
                        assign.op, value, assign.range});
  }
}

void Sema::checkSynapse(const ast::SynapseDecl &decl) {
  SynapseModel synapse;
  reserveWeight = true;
  failedNames.clear();
  synapse.name = decl.name.name;
  synapse.range = decl.name.range;
  synapse.incrementBeforeDecay = decl.incrementBeforeDecay;
  std::map<std::string, SMRange> seen;
  std::map<std::string, std::string> declared =
      declaredNames(decl, "synapse " + quoted(synapse.name));
  Scope constants;
  constants.context = "a parameter value";
  constants.unreadable = declared;
  checkVariables(decl.params, &synapse.params, nullptr, constants, seen);
  Scope scope;
  scope.context = "a synapse equation";
  scope.unreadable = declared;
  for (unsigned p = 0; p < synapse.params.size(); ++p)
    scope.add(synapse.params[p].name, Op::Param, p, synapse.params[p].unit);
  checkVariables(decl.states, nullptr, &synapse.states, scope, seen);
  scope.allowTime = true;
  for (unsigned s = 0; s < synapse.states.size(); ++s)
    scope.add(synapse.states[s].name, Op::State, s, synapse.states[s].unit);
  for (const ast::VariableDecl &let : decl.lets)
    scope.unreadable.erase(let.name.name);
  checkLets(decl.lets, scope, seen);
  checkEquations(decl, scope, synapse.states, synapse.equations);
  for (const ast::OdeDecl &ode : decl.odes)
    if (ode.unlessRefractory.isValid())
      diags.error(ode.unlessRefractory,
                  "'unless refractory' holds a neuron's state; a synapse is "
                  "never refractory");

  // `X_post` that is not a state of the synapse is the target's X: those
  // statements wait for a projection to say what X is.
  PendingJumps jumps;
  for (const ast::Assignment &assign : decl.onPre) {
    llvm::StringRef target = assign.target.name;
    bool own = llvm::any_of(synapse.states, [&](const State &s) {
      return s.name == assign.target.name;
    });
    if (!own && target.ends_with("_post") && target.size() > 5)
      jumps.assigns.push_back(&assign);
  }
  if (!jumps.assigns.empty() && decl.incrementBeforeDecay) {
    diags.error(decl.orderRange,
                "a synapse that changes its target's state ('" +
                    jumps.assigns.front()->target.name +
                    "') adds its increments when the target updates; it "
                    "cannot say 'increment before decay'");
  }

  // `w` carries the unit of the state its on_pre statement assigns.
  for (const ast::Assignment &assign : decl.onPre) {
    auto stateIt = llvm::find_if(synapse.states, [&](const State &s) {
      return s.name == assign.target.name;
    });
    if (stateIt != synapse.states.end() && mentionsWeight(*assign.value)) {
      synapse.weightUnit = stateIt->unit;
      synapse.readsWeight = true;
      break;
    }
  }
  scope.add("w", Op::Weight, 0, synapse.weightUnit);

  for (const ast::Assignment &assign : decl.onPre)
    if (!llvm::is_contained(jumps.assigns, &assign))
      checkAssignments(assign, synapse.states, scope, "on_pre",
                       quoted(synapse.name), synapse.onPre);
  if (!jumps.assigns.empty()) {
    jumps.scope = scope;
    pendingJumps[model.synapses.size()] = std::move(jumps);
  }
  for (const Equation &eq : synapse.equations)
    markDivisors(*eq.rhs, synapse.params,
                 "d" + synapse.states[eq.state].name + "/dt");
  for (const State &state : synapse.states)
    markDivisors(*state.initialValue, synapse.params,
                 "the initial value of " + quoted(state.name));
  for (const AssignStatement &stmt : synapse.onPre)
    markDivisors(*stmt.value, synapse.params, "on_pre");
  synapseIndex[synapse.name] = model.synapses.size();
  synapseNames.push_back(synapse.name);
  model.synapses.push_back(std::move(synapse));
}

void Sema::checkOutput(const ast::OutputDecl &decl) {
  OutputModel output;
  failedNames.clear();
  reserveWeight = true; // next to the synapse, w could be misread

  output.name = decl.name.name;
  output.range = decl.name.range;
  std::map<std::string, SMRange> seen;
  Scope constants;
  constants.context = "a parameter value";
  checkVariables(decl.params, &output.params, nullptr, constants, seen);
  if (!decl.current)
    diags.error(decl.name.range,
                "output " + quoted(output.name) +
                    " needs a 'current' (e.g. 'current g * (E - V)')");
  outputIndex[output.name] = model.outputs.size();
  outputNames.push_back(output.name);
  outputDecls.push_back(&decl);
  model.outputs.push_back(std::move(output));
}

//===----------------------------------------------------------------------===//
// The network
//===----------------------------------------------------------------------===//

template <typename T>
std::optional<unsigned> Sema::lookupDecl(const llvm::StringMap<unsigned> &table,
                                         const std::vector<T> &names,
                                         const ast::Ident &name,
                                         StringRef kind) {
  auto it = table.find(name.name);
  if (it != table.end())
    return it->second;
  std::string suggestion = closestMatch(name.name, names);
  diags.error(name.range,
              "unknown " + kind + " " + quoted(name.name) +
                  (suggestion.empty()
                       ? std::string()
                       : "; did you mean " + quoted(suggestion) + "?"));
  return std::nullopt;
}

std::optional<std::vector<double>>
Sema::bindParams(const ast::Call &call, const std::vector<Param> &params,
                 size_t skip, StringRef kind, StringRef modelName,
                 SMRange modelRange, std::vector<SMRange> &ranges) {
  std::vector<std::optional<double>> values(params.size());
  std::vector<SMRange> givenAt(params.size());
  bool ok = true;
  size_t positional = 0;
  for (size_t a = 0; a < call.args.size(); ++a) {
    const ast::Ident &argName = call.argNames[a];
    if (argName.empty() && a < skip)
      continue;
    size_t index;
    if (argName.empty()) {
      index = positional++;
      if (index >= params.size()) {
        diags.error(call.args[a]->range,
                    "too many arguments: " + kind + " " + quoted(modelName) +
                        " has " + Twine(params.size()) + " parameter" +
                        (params.size() == 1 ? "" : "s"));
        diags.note(modelRange,
                   kind + " " + quoted(modelName) + " is defined here");
        ok = false;
        continue;
      }
    } else {
      auto it = llvm::find_if(
          params, [&](const Param &p) { return p.name == argName.name; });
      if (it == params.end()) {
        std::vector<std::string> names;
        for (const Param &p : params)
          names.push_back(p.name);
        std::string suggestion = closestMatch(argName.name, names);
        diags.error(argName.range,
                    kind + " " + quoted(modelName) + " has no parameter " +
                        quoted(argName.name) +
                        (suggestion.empty()
                             ? std::string()
                             : "; did you mean " + quoted(suggestion) + "?"));
        diags.note(modelRange,
                   kind + " " + quoted(modelName) + " is defined here");
        ok = false;
        continue;
      }
      index = it - params.begin();
    }
    if (values[index]) {
      diags.error(call.args[a]->range, "parameter " +
                                           quoted(params[index].name) +
                                           " is given twice");
      diags.note(givenAt[index], "first given here");
      ok = false;
      continue;
    }
    std::optional<double> value =
        constantValue(*call.args[a], params[index].unit,
                      "parameter " + quoted(params[index].name));
    if (!value) {
      ok = false;
      continue;
    }
    values[index] = value;
    givenAt[index] = call.args[a]->range;
  }
  std::vector<double> result;
  ranges.clear();
  for (size_t p = 0; p < params.size(); ++p) {
    if (!values[p] && params[p].defaultValue) {
      values[p] = params[p].defaultValue->value;
      givenAt[p] = params[p].defaultValue->range.isValid()
                       ? params[p].defaultValue->range
                       : params[p].range;
    }
    ranges.push_back(givenAt[p]);
    if (!values[p]) {
      diags.error(call.range, "missing value for parameter " +
                                  quoted(params[p].name) + " of " + kind + " " +
                                  quoted(modelName));
      diags.note(params[p].range, "declared here without a default");
      ok = false;
      continue;
    }
    result.push_back(*values[p]);
  }
  if (!ok)
    return std::nullopt;
  return result;
}

bool Sema::checkRules(const std::vector<Param> &params,
                      const std::vector<double> &values,
                      const std::vector<SMRange> &ranges,
                      const std::vector<bool> *skip) {
  bool ok = true;
  for (size_t p = 0; p < params.size() && p < values.size(); ++p) {
    if (skip && (*skip)[p])
      continue;
    std::string why = ruleViolation(params[p], values[p]);
    if (why.empty())
      continue;
    ok = false;
    // A default that breaks the rule is reported once, however many
    // populations or projections use it.
    if (!ruleErrors.insert(ranges[p].Start.getPointer()).second)
      continue;
    diags.error(ranges[p], quoted(params[p].name) + " " + why + ", but it is " +
                               formatQuantity(values[p], params[p].unit));
    const char *at = ranges[p].Start.getPointer();
    bool isDefault = at >= params[p].range.Start.getPointer() &&
                     at <= params[p].range.End.getPointer();
    if (!isDefault)
      diags.note(params[p].range, "declared here");
  }
  return ok;
}

std::optional<Initializer>
Sema::checkInitializer(const ast::Expr &value, bool sampled, const Unit &unit,
                       const Scope &scope, const Twine &what) {
  Initializer init;
  init.range = value.range;
  if (!sampled) {
    init.kind = Initializer::Kind::Expression;
    init.value = convert(requireNumber(check(value, scope), what), unit,
                         value.range, what);
    if (!init.value)
      return std::nullopt;
    return init;
  }
  if (value.kind != ast::ExprKind::Call ||
      (value.name.name != "normal" && value.name.name != "uniform")) {
    diags.error(value.range, "'~' needs a distribution: normal(mean, std) or "
                             "uniform(low, high)");
    return std::nullopt;
  }
  bool isNormal = value.name.name == "normal";
  init.kind = isNormal ? Initializer::Kind::Normal : Initializer::Kind::Uniform;
  std::vector<std::string> argNames =
      isNormal ? std::vector<std::string>{"mean", "std"}
               : std::vector<std::string>{"low", "high"};
  std::optional<double> args[2];
  size_t positional = 0;
  for (size_t a = 0; a < value.operands.size(); ++a) {
    size_t index = positional;
    if (!value.argumentNames[a].empty()) {
      auto it = llvm::find(argNames, value.argumentNames[a].name);
      if (it == argNames.end()) {
        diags.error(value.argumentNames[a].range,
                    quoted(value.name.name) + " has no argument " +
                        quoted(value.argumentNames[a].name) + "; expected " +
                        argNames[0] + " and " + argNames[1]);
        return std::nullopt;
      }
      index = it - argNames.begin();
    } else {
      ++positional;
    }
    if (index >= 2) {
      diags.error(value.range, quoted(value.name.name) +
                                   " expects 2 arguments, got " +
                                   Twine(value.operands.size()));
      return std::nullopt;
    }
    args[index] =
        constantValue(*value.operands[a], unit,
                      "the " + Twine(argNames[index]) + " of " + what);
    if (!args[index])
      return std::nullopt;
  }
  if (!args[0] || !args[1]) {
    diags.error(value.range, quoted(value.name.name) +
                                 " expects 2 arguments (" + argNames[0] + ", " +
                                 argNames[1] + ")");
    return std::nullopt;
  }
  init.a = *args[0];
  init.b = *args[1];
  if (isNormal && init.b < 0) {
    diags.error(value.operands[1]->range,
                "the standard deviation must not be negative");
    return std::nullopt;
  }
  if (!isNormal && init.b < init.a) {
    diags.error(value.range, "uniform(low, high) needs low <= high");
    return std::nullopt;
  }
  return init;
}

void Sema::checkPopulation(const ast::PopulationDecl &decl) {
  if (populationIndex.count(decl.name.name)) {
    diags.error(decl.name.range,
                "redefinition of population " + quoted(decl.name.name));
    diags.note(model.populations[populationIndex[decl.name.name]].range,
               "previous definition is here");
    return;
  }
  std::optional<unsigned> neuronId =
      lookupDecl(neuronIndex, neuronNames, decl.model.callee, "neuron model");
  if (!neuronId)
    return;
  const NeuronModel &neuron = model.neurons[*neuronId];
  Population pop;
  pop.name = decl.name.name;
  pop.neuron = *neuronId;
  pop.range = decl.name.range;

  // The size is the first positional argument.
  if (decl.model.args.empty() || !decl.model.argNames[0].empty()) {
    diags.error(decl.model.range,
                "the population size must be the first argument, as in " +
                    decl.model.callee.name + "(100)");
    return;
  }
  std::optional<double> size =
      constantValue(*decl.model.args[0], Unit(), "the population size");
  if (!size)
    return;
  if (*size != std::floor(*size) || *size < 1 || *size > 2e9) {
    diags.error(decl.model.args[0]->range,
                "the population size must be a whole number between 1 and "
                "2000000000");
    return;
  }
  pop.size = static_cast<int64_t>(*size);
  std::optional<std::vector<double>> params =
      bindParams(decl.model, neuron.params, 1, "neuron", neuron.name,
                 neuron.range, pop.paramRanges);
  if (!params)
    return;
  pop.params = *params;
  pop.perNeuronParams.resize(neuron.params.size());

  // Default state values come from the neuron (they may read parameters).
  for (const State &state : neuron.states) {
    Initializer init;
    init.value = state.initialValue;
    init.range = state.range;
    pop.stateInit.push_back(init);
  }
  Scope initScope;
  initScope.allowIndex = true;
  initScope.context = "an initialiser";
  for (unsigned p = 0; p < neuron.params.size(); ++p)
    initScope.add(neuron.params[p].name, Op::Param, p, neuron.params[p].unit);
  for (const State &state : neuron.states)
    initScope.unreadable.emplace(state.name,
                                 "a state of neuron " + quoted(neuron.name));
  for (const Input &input : neuron.inputs)
    initScope.unreadable.emplace(input.name,
                                 "an input of neuron " + quoted(neuron.name));
  std::map<std::string, SMRange> initialised;
  for (const ast::Initializer &init : decl.initializers) {
    auto [previous, fresh] =
        initialised.emplace(init.target.name, init.target.range);
    if (!fresh) {
      diags.error(init.target.range,
                  quoted(init.target.name) + " is initialised twice");
      diags.note(previous->second, "first initialised here");
      continue;
    }
    auto stateIt = llvm::find_if(neuron.states, [&](const State &s) {
      return s.name == init.target.name;
    });
    auto paramIt = llvm::find_if(neuron.params, [&](const Param &p) {
      return p.name == init.target.name;
    });
    std::string what = "the initial value of " + quoted(init.target.name);
    if (stateIt != neuron.states.end()) {
      // The states declared before this one, with their initial values.
      Scope stateScope = initScope;
      for (auto earlier = neuron.states.begin(); earlier != stateIt;
           ++earlier) {
        stateScope.unreadable.erase(earlier->name);
        stateScope.add(earlier->name, Op::State,
                       earlier - neuron.states.begin(), earlier->unit);
      }
      if (std::optional<Initializer> checked = checkInitializer(
              *init.value, init.sampled, stateIt->unit, stateScope, what))
        pop.stateInit[stateIt - neuron.states.begin()] = *checked;
    } else if (paramIt != neuron.params.end()) {
      size_t p = paramIt - neuron.params.begin();
      std::optional<Initializer> checked = checkInitializer(
          *init.value, init.sampled, paramIt->unit, initScope, what);
      if (!checked)
        continue;
      if (checked->kind == Initializer::Kind::Expression &&
          checked->value->op == Op::Constant) {
        pop.params[p] = checked->value->value; // a plain override
        pop.paramRanges[p] = init.value->range;
      } else
        pop.perNeuronParams[p] = *checked;
    } else {
      std::vector<std::string> names;
      for (const State &s : neuron.states)
        names.push_back(s.name);
      for (const Param &p : neuron.params)
        names.push_back(p.name);
      std::string suggestion = closestMatch(init.target.name, names);
      diags.error(init.target.range,
                  quoted(init.target.name) +
                      " is not a state or parameter "
                      "of " +
                      quoted(neuron.name) +
                      (suggestion.empty()
                           ? std::string()
                           : "; did you mean " + quoted(suggestion) + "?"));
      diags.note(neuron.range,
                 "neuron " + quoted(neuron.name) + " is defined here");
    }
  }
  std::vector<bool> perNeuron;
  for (const auto &param : pop.perNeuronParams)
    perNeuron.push_back(param.has_value());
  if (!checkRules(neuron.params, pop.params, pop.paramRanges, &perNeuron))
    return;
  // A refractory period that is neither a constant nor one parameter
  // (checked by rule): its value for this population's parameters.
  if (neuron.refractory && neuron.refractory->op != Op::Constant &&
      !divisorParam(*neuron.refractory) &&
      !llvm::any_of(perNeuron, [](bool b) { return b; })) {
    double period = evaluate(*neuron.refractory, [&](const Expr &leaf) {
      return leaf.op == Op::Param ? pop.params[leaf.index] : 0.0;
    });
    if (period < 0) {
      diags.error(decl.name.range, "the refractory period of population " +
                                       quoted(pop.name) +
                                       " must not be negative, but it is " +
                                       formatQuantity(period, millisecond()));
      diags.note(neuron.refractory->range, "the refractory period is here");
      return;
    }
  }
  if (neuron.randomSites > 0 &&
      model.populations.size() >= maxDrawPopulations) {
    diags.error(decl.name.range, "population " + quoted(pop.name) +
                                     " draws with rand() or "
                                     "randn(), which only the first " +
                                     Twine(maxDrawPopulations) +
                                     " populations of a model may do");
    return;
  }
  populationIndex[pop.name] = model.populations.size();
  populationNames.push_back(pop.name);
  model.populations.push_back(std::move(pop));
}

std::optional<Slice> Sema::resolveSlice(const ast::PopulationRef &ref) {
  if (failedPopulations.count(ref.population.name))
    return std::nullopt; // its declaration's error is reported already
  std::optional<unsigned> popId = lookupDecl(populationIndex, populationNames,
                                             ref.population, "population");
  if (!popId)
    return std::nullopt;
  const Population &pop = model.populations[*popId];
  Slice slice{*popId, ref.begin.value_or(0), ref.end.value_or(pop.size)};
  if (slice.begin >= slice.end || slice.end > pop.size) {
    diags.error(ref.sliceRange,
                "slice [" + Twine(slice.begin) + ":" + Twine(slice.end) +
                    "] is out of range for population " + quoted(pop.name) +
                    " of size " + Twine(pop.size));
    diags.note(pop.range,
               "population " + quoted(pop.name) + " is defined here");
    return std::nullopt;
  }
  return slice;
}

std::optional<Connectivity> Sema::checkConnectivity(const ast::Call &call,
                                                    const Slice &source,
                                                    const Slice &target) {
  Connectivity conn;
  conn.range = call.range;
  const std::string &name = call.callee.name;
  auto kind =
      llvm::StringSwitch<std::optional<Connectivity::Kind>>(name)
          .Case("fixed_per_pre", Connectivity::Kind::FixedPerPre)
          .Case("fixed_per_post", Connectivity::Kind::FixedPerPost)
          .Case("fixed_total_number", Connectivity::Kind::FixedTotalNumber)
          .Case("fixed_prob", Connectivity::Kind::FixedProb)
          .Case("all_to_all", Connectivity::Kind::AllToAll)
          .Case("one_to_one", Connectivity::Kind::OneToOne)
          .Default(std::nullopt);
  if (!kind) {
    std::string suggestion = closestMatch(
        name, {"fixed_per_pre", "fixed_per_post", "fixed_total_number",
               "fixed_prob", "all_to_all", "one_to_one"});
    diags.error(call.callee.range,
                "unknown connectivity " + quoted(name) +
                    (suggestion.empty()
                         ? std::string()
                         : "; did you mean " + quoted(suggestion) + "?"));
    return std::nullopt;
  }
  conn.kind = *kind;
  bool takesArgument = conn.kind == Connectivity::Kind::FixedPerPre ||
                       conn.kind == Connectivity::Kind::FixedPerPost ||
                       conn.kind == Connectivity::Kind::FixedTotalNumber ||
                       conn.kind == Connectivity::Kind::FixedProb;
  size_t expected = takesArgument ? 1 : 0;
  if (call.args.size() != expected) {
    diags.error(call.range, quoted(name) + " expects " + Twine(expected) +
                                " argument" + (expected == 1 ? "" : "s") +
                                ", got " + Twine(call.args.size()));
    return std::nullopt;
  }
  if (!takesArgument) {
    if (conn.kind == Connectivity::Kind::OneToOne &&
        source.size() != target.size()) {
      diags.error(call.range, "one_to_one needs source and target of equal "
                              "size, got " +
                                  Twine(source.size()) + " and " +
                                  Twine(target.size()));
      return std::nullopt;
    }
    return conn;
  }
  std::optional<double> value =
      constantValue(*call.args[0], Unit(), "the argument of " + quoted(name));
  if (!value)
    return std::nullopt;
  if (conn.kind == Connectivity::Kind::FixedProb) {
    if (*value < 0 || *value > 1) {
      diags.error(call.args[0]->range,
                  "a connection probability must lie in [0, 1]");
      return std::nullopt;
    }
    conn.probability = *value;
    return conn;
  }
  if (conn.kind == Connectivity::Kind::FixedTotalNumber) {
    if (!(*value >= 0 && *value == std::floor(*value) &&
          *value <= 2147483647)) {
      diags.error(call.args[0]->range,
                  "fixed_total_number takes a whole number of synapses, at "
                  "most 2^31 - 1");
      return std::nullopt;
    }
    conn.count = static_cast<int64_t>(*value);
    return conn;
  }
  // A whole number is a count; a value in (0, 1) a fraction of the other
  // side, as int(fraction * size) (brainstate's conn_num).
  int64_t other = conn.kind == Connectivity::Kind::FixedPerPre ? target.size()
                                                               : source.size();
  if (*value > 0 && *value < 1) {
    conn.count = static_cast<int64_t>(*value * static_cast<double>(other));
  } else if (*value >= 0 && *value == std::floor(*value) && *value <= 2e9) {
    conn.count = static_cast<int64_t>(*value);
  } else {
    diags.error(call.args[0]->range,
                quoted(name) + " takes a whole number of connections or a "
                               "fraction between 0 and 1");
    return std::nullopt;
  }
  return conn;
}

void Sema::checkProjection(const ast::ProjectionDecl &decl) {
  std::optional<Slice> source = resolveSlice(decl.source);
  std::optional<Slice> target = resolveSlice(decl.target);
  bool complete = true;
  auto requireMember = [&](bool present, StringRef member, StringRef example) {
    if (!present) {
      diags.error(decl.range,
                  "projection needs " + Twine(member) + " (" + example + ")");
      complete = false;
    }
  };
  requireMember(decl.synapse.has_value(), "a 'synapse'",
                "synapse Expon(tau = 5 ms)");
  // A synapse that only jumps its target's states needs no output.
  auto known = decl.synapse ? synapseIndex.find(decl.synapse->callee.name)
                            : synapseIndex.end();
  bool jumpsOnly = false;
  if (known != synapseIndex.end()) {
    const SynapseModel &synapse = model.synapses[known->second];
    jumpsOnly = pendingJumps.count(known->second) &&
                llvm::all_of(synapse.onPre, [&](const AssignStatement &s) {
                  return synapse.isHidden(s.state);
                });
  }
  if (!jumpsOnly)
    requireMember(decl.output.has_value(), "an 'output'",
                  "output COBA(E = 0 mV)");
  requireMember(decl.connect.has_value(), "a 'connect' rule",
                "connect fixed_per_pre(80)");
  requireMember(decl.weight != nullptr, "a 'weight'", "weight 0.6 mS");
  if (!source || !target || !complete)
    return;

  Projection proj;
  proj.source = *source;
  proj.target = *target;
  proj.range = decl.range;
  std::optional<unsigned> synapseId = lookupDecl(
      synapseIndex, synapseNames, decl.synapse->callee, "synapse model");
  std::optional<unsigned> outputId;
  if (decl.output)
    outputId = lookupDecl(outputIndex, outputNames, decl.output->callee,
                          "output model");
  std::optional<Connectivity> conn =
      checkConnectivity(*decl.connect, *source, *target);
  if (!synapseId || (decl.output && !outputId) || !conn)
    return;
  proj.synapse = *synapseId;
  proj.output = outputId ? *outputId : noOutput;
  proj.connectivity = *conn;
  const SynapseModel &synapse = model.synapses[*synapseId];
  const NeuronModel &post =
      model.neurons[model.populations[target->population].neuron];

  std::optional<std::vector<double>> synapseParams =
      bindParams(*decl.synapse, synapse.params, 0, "synapse", synapse.name,
                 synapse.range, proj.synapseParamRanges);
  if (!synapseParams)
    return;
  bool rulesHold =
      checkRules(synapse.params, *synapseParams, proj.synapseParamRanges);
  proj.synapseParams = *synapseParams;
  if (!resolveTargetJumps(*synapseId, post, decl))
    return;
  if (outputId && !checkOutput(decl, *outputId, synapse, post, proj))
    return;
  if (outputId)
    rulesHold &= checkRules(model.outputs[*outputId].params, proj.outputParams,
                            proj.outputParamRanges);
  if (!rulesHold)
    return;

  Scope constants;
  constants.context = "a weight";
  std::optional<Initializer> weight =
      checkInitializer(*decl.weight, decl.weightSampled, synapse.weightUnit,
                       constants, "the weight");
  if (!weight)
    return;
  if (weight->kind == Initializer::Kind::Expression &&
      weight->value->op != Op::Constant) {
    diags.error(decl.weight->range, "the weight must be a constant");
    return;
  }
  proj.weight = *weight;
  if (decl.delay && !checkDelay(decl, synapse, proj))
    return;
  // A weight nothing reads would change nothing, silently.
  if (!synapse.readsWeight)
    diags.warning(decl.weight->range,
                  "this weight is never read: the on_pre of synapse " +
                      quoted(synapse.name) + " does not use 'w'");
  model.projections.push_back(std::move(proj));
}

bool Sema::checkOutput(const ast::ProjectionDecl &decl, unsigned outputId,
                       const SynapseModel &synapse, const NeuronModel &post,
                       Projection &proj) {
  const OutputModel &output = model.outputs[outputId];
  const ast::OutputDecl &outputDecl = *outputDecls[outputId];
  std::optional<std::vector<double>> outputParams =
      bindParams(*decl.output, output.params, 0, "output", output.name,
                 output.range, proj.outputParamRanges);
  if (!outputParams)
    return false;
  proj.outputParams = *outputParams;

  // Which input of the target the output feeds.
  if (!decl.outputInput.empty()) {
    auto it = llvm::find_if(post.inputs, [&](const Input &input) {
      return input.name == decl.outputInput.name;
    });
    if (it == post.inputs.end()) {
      diags.error(decl.outputInput.range, "neuron " + quoted(post.name) +
                                              " has no input " +
                                              quoted(decl.outputInput.name));
      return false;
    }
    proj.targetInput = it - post.inputs.begin();
  } else if (post.inputs.size() == 1) {
    proj.targetInput = 0;
  } else {
    diags.error(decl.output->range,
                "neuron " + quoted(post.name) + " has " +
                    Twine(post.inputs.size()) +
                    " inputs; name one with 'output ... to INPUT'");
    diags.note(post.range, "neuron " + quoted(post.name) + " is defined here");
    return false;
  }
  const Input &input = post.inputs[proj.targetInput];

  // The output's current, in this projection's context: its parameters, the
  // synapse's states and the target neuron's states.
  if (!outputDecl.current)
    return false;
  auto key = std::make_tuple(outputId, proj.synapse,
                             model.populations[proj.target.population].neuron,
                             proj.targetInput);
  if (failedCurrents.count(key))
    return false;
  Scope currentScope;
  currentScope.allowTime = true;
  currentScope.context = "an output current";
  for (unsigned s = 0; s < post.states.size(); ++s)
    currentScope.add(post.states[s].name, Op::TargetState, s,
                     post.states[s].unit);
  for (unsigned s = 0; s < synapse.states.size(); ++s)
    if (!synapse.isHidden(s))
      currentScope.add(synapse.states[s].name, Op::SynapseState, s,
                       synapse.states[s].unit);
  for (unsigned p = 0; p < output.params.size(); ++p)
    currentScope.add(output.params[p].name, Op::Param, p,
                     output.params[p].unit);
  unsigned errorsBefore = diags.errorCount();
  ExprP current =
      requireNumber(check(*outputDecl.current, currentScope), "a current");
  if (current && !current->unit.sameDimension(input.unit)) {
    diags.error(outputDecl.current->range,
                "the current of output " + quoted(output.name) +
                    " has dimension " + current->unit.str() + ", but input " +
                    quoted(input.name) + " of " + quoted(post.name) +
                    " expects " + input.unit.str());
    current = nullptr;
  } else if (current) {
    current =
        convert(current, input.unit, outputDecl.current->range, "the current");
  }
  if (!current) {
    if (diags.errorCount() > errorsBefore)
      diags.note(decl.range, "in the projection using output " +
                                 quoted(output.name) + " with synapse " +
                                 quoted(synapse.name));
    failedCurrents.insert(key);
    return false;
  }
  proj.current = current;
  // The output's parameters that divide in its current; checked here,
  // where the current is known.
  markDivisors(*current, model.outputs[outputId].params,
               "the current of output " + quoted(output.name));
  return true;
}

bool Sema::checkDelay(const ast::ProjectionDecl &decl,
                      const SynapseModel &synapse, Projection &proj) {
  std::optional<double> delay =
      constantValue(*decl.delay, millisecond(), "the delay");
  if (!delay)
    return false;
  if (!(*delay > 0) || !std::isfinite(*delay)) {
    diags.error(decl.delay->range,
                "the delay must be a positive time, but it is " +
                    formatQuantity(*delay, millisecond()));
    return false;
  }
  // A delayed spike is an increment waiting for its step: the value is
  // computed when the spike is sent, and added when it arrives.
  for (const AssignStatement &stmt : synapse.onPre) {
    bool adds = stmt.op == ast::AssignOp::Add || stmt.op == ast::AssignOp::Sub;
    if (!adds || references(*stmt.value, Op::State)) {
      diags.error(decl.delayRange,
                  "a delayed projection adds increments that wait for their "
                  "step, so its on_pre statements must add or subtract values "
                  "that do not read the synapse's state");
      diags.note(stmt.range, "this on_pre statement of synapse " +
                                 quoted(synapse.name) + " does not");
      return false;
    }
  }
  proj.delayMs = *delay;
  proj.delayRange = decl.delayRange;
  return true;
}

bool Sema::resolveTargetJumps(unsigned synapseId, const NeuronModel &post,
                              const ast::ProjectionDecl &decl) {
  auto pending = pendingJumps.find(synapseId);
  if (pending == pendingJumps.end())
    return true;
  PendingJumps &jumps = pending->second;
  if (jumps.failed)
    return false;
  SynapseModel &synapse = model.synapses[synapseId];
  auto targetState = [&](const ast::Assignment &assign) -> const State * {
    std::string name = assign.target.name.substr(0, assign.target.name.size() -
                                                        std::strlen("_post"));
    auto it = llvm::find_if(post.states,
                            [&](const State &s) { return s.name == name; });
    if (it != post.states.end())
      return &*it;
    diags.error(assign.target.range,
                quoted(assign.target.name) + " is state " + quoted(name) +
                    " of the target neuron, but neuron " + quoted(post.name) +
                    " has no state " + quoted(name));
    diags.note(decl.range,
               "in this projection onto neuron " + quoted(post.name));
    return nullptr;
  };

  if (jumps.resolved) {
    // The hidden states have the units of the first target.
    bool ok = true;
    for (const SynapseModel::TargetJump &jump : synapse.targetJumps) {
      const ast::Assignment *assign =
          *llvm::find_if(jumps.assigns, [&](const ast::Assignment *a) {
            return a->target.name == synapse.states[jump.state].name;
          });
      const State *state = targetState(*assign);
      if (state && !(state->unit == synapse.states[jump.state].unit)) {
        diags.error(decl.range,
                    "synapse " + quoted(synapse.name) + " adds to " +
                        quoted(jump.targetState) + " in " +
                        synapse.states[jump.state].unit.str() + " (of neuron " +
                        quoted(jumps.firstTarget) + "), but neuron " +
                        quoted(post.name) + " has it in " + state->unit.str() +
                        "; give this projection a synapse model of its own");
        state = nullptr;
      }
      ok &= state != nullptr;
    }
    return ok;
  }

  unsigned errorsBefore = diags.errorCount();
  Scope scope = jumps.scope;
  for (const ast::Assignment *assign : jumps.assigns) {
    const State *state = targetState(*assign);
    if (!state)
      continue;
    if (assign->op != ast::AssignOp::Add && assign->op != ast::AssignOp::Sub) {
      diags.error(assign->range,
                  "on_pre can only add to or subtract from a state of its "
                  "target ('" +
                      assign->target.name +
                      " += ...'): the spikes that "
                      "arrive in one step add up, in no particular order");
      continue;
    }
    auto existing = llvm::find_if(synapse.states, [&](const State &s) {
      return s.name == assign->target.name;
    });
    if (existing == synapse.states.end()) {
      synapse.targetJumps.push_back(
          {static_cast<unsigned>(synapse.states.size()), state->name});
      synapse.states.push_back(State{assign->target.name, state->unit,
                                     makeConstant(0.0, state->unit),
                                     assign->target.range});
    }
    // Nothing of the synapse's own reads `w`: it is in the unit of the
    // first target state it is added to.
    if (!synapse.readsWeight && mentionsWeight(*assign->value)) {
      synapse.weightUnit = state->unit;
      synapse.readsWeight = true;
      scope.add("w", Op::Weight, 0, synapse.weightUnit);
    }
  }
  for (const ast::Assignment *assign : jumps.assigns)
    if (diags.errorCount() == errorsBefore)
      checkAssignments(*assign, synapse.states, scope, "on_pre",
                       quoted(synapse.name), synapse.onPre);
  jumps.resolved = true;
  jumps.firstTarget = post.name;
  jumps.failed = diags.errorCount() > errorsBefore;
  return !jumps.failed;
}

void Sema::checkPoissonInput(const ast::PoissonInputDecl &decl) {
  std::optional<Slice> target = resolveSlice(decl.target);
  if (!target)
    return;
  const NeuronModel &neuron =
      model.neurons[model.populations[target->population].neuron];
  auto it = llvm::find_if(
      neuron.states, [&](const State &s) { return s.name == decl.state.name; });
  if (it == neuron.states.end()) {
    diags.error(decl.state.range, "neuron " + quoted(neuron.name) +
                                      " has no state " +
                                      quoted(decl.state.name));
    return;
  }
  std::optional<double> weight =
      constantValue(*decl.weight, it->unit, "the weight of a Poisson spike");
  std::optional<double> sources =
      constantValue(*decl.sources, Unit(), "the number of sources");
  std::optional<double> rate =
      constantValue(*decl.rate, *lookupUnit("Hz"), "the rate");
  if (!weight || !sources || !rate)
    return;
  if (!(*sources >= 1 && *sources <= 1e9 && *sources == std::floor(*sources))) {
    diags.error(decl.sources->range,
                "the number of sources must be a whole number from 1 to 1e9");
    return;
  }
  if (!(*rate >= 0) || !std::isfinite(*rate)) {
    diags.error(decl.rate->range, "the rate must not be negative");
    return;
  }
  // Its draws follow the neuron model's own rand() sites.
  unsigned site = neuron.randomSites;
  for (const PoissonInput &other : model.poissonInputs)
    site += other.target.population == target->population;
  if (site >= maxDrawSites) {
    diags.error(decl.range,
                "too many random draws for population " +
                    quoted(model.populations[target->population].name));
    return;
  }
  model.poissonInputs.push_back(
      PoissonInput{*target, static_cast<unsigned>(it - neuron.states.begin()),
                   *weight, *sources, *rate, site, decl.range});
}

void Sema::checkDrive(const ast::DriveDecl &decl) {
  std::optional<Slice> target = resolveSlice(decl.target);
  if (!target)
    return;
  const NeuronModel &neuron =
      model.neurons[model.populations[target->population].neuron];
  auto it = llvm::find_if(neuron.inputs, [&](const Input &input) {
    return input.name == decl.input.name;
  });
  if (it == neuron.inputs.end()) {
    std::vector<std::string> names;
    for (const Input &input : neuron.inputs)
      names.push_back(input.name);
    std::string suggestion = closestMatch(decl.input.name, names);
    diags.error(decl.input.range,
                "neuron " + quoted(neuron.name) + " has no input " +
                    quoted(decl.input.name) +
                    (suggestion.empty()
                         ? std::string()
                         : "; did you mean " + quoted(suggestion) + "?"));
    return;
  }
  std::optional<double> value =
      constantValue(*decl.value, it->unit, "the drive");
  if (!value)
    return;
  model.drives.push_back(
      Drive{*target, static_cast<unsigned>(it - neuron.inputs.begin()), *value,
            decl.range, decl.value->range});
}

void Sema::checkRun(const ast::RunDecl &decl) {
  if (model.run) {
    diags.error(decl.range, "a model has one 'run'");
    diags.note(model.run->range, "first 'run' is here");
    return;
  }
  RunSettings run;
  run.range = decl.range;
  std::optional<double> duration =
      constantValue(*decl.duration, millisecond(), "the run duration");
  std::optional<double> dt =
      decl.dt ? constantValue(*decl.dt, millisecond(), "the time step")
              : std::optional<double>(0.1);
  std::optional<double> seed =
      decl.seed ? constantValue(*decl.seed, Unit(), "the seed")
                : std::optional<double>(0);
  if (!duration || !dt || !seed)
    return;
  StepCount steps = countSteps(*duration, *dt, !decl.records.empty());
  if (!steps.ok()) {
    SMRange where = decl.range;
    if (steps.problem == StepCount::Problem::Duration)
      where = decl.duration->range;
    else if (steps.problem == StepCount::Problem::TimeStep && decl.dt)
      where = decl.dt->range;
    diags.error(where, steps.why);
    return;
  }
  if (*seed < 0 || *seed != std::floor(*seed) || *seed > 9.007199254740992e15) {
    diags.error(decl.seed->range,
                "the seed must be a whole number between 0 and 2^53");
    return;
  }
  run.durationMs = *duration;
  run.dtMs = *dt;
  run.seed = static_cast<uint64_t>(*seed);
  for (const ast::RecordDecl &record : decl.records) {
    std::optional<Slice> target = resolveSlice(record.target);
    if (!target)
      continue;
    Record rec;
    rec.target = *target;
    rec.range = record.range;
    if (record.variable.name == "spike") {
      const NeuronModel &neuron =
          model.neurons[model.populations[target->population].neuron];
      if (!neuron.spike) {
        diags.error(record.variable.range,
                    "neuron " + quoted(neuron.name) +
                        " has no spike condition: there are no spikes to "
                        "record");
        continue;
      }
      rec.spikes = true;
    } else {
      const NeuronModel &neuron =
          model.neurons[model.populations[target->population].neuron];
      auto it = llvm::find_if(neuron.states, [&](const State &s) {
        return s.name == record.variable.name;
      });
      if (it == neuron.states.end()) {
        std::vector<std::string> names = {"spike"};
        for (const State &s : neuron.states)
          names.push_back(s.name);
        std::string suggestion = closestMatch(record.variable.name, names);
        diags.error(record.variable.range,
                    "cannot record " + quoted(record.variable.name) +
                        ": not 'spike' or a state of " + quoted(neuron.name) +
                        (suggestion.empty()
                             ? std::string()
                             : "; did you mean " + quoted(suggestion) + "?"));
        continue;
      }
      rec.spikes = false;
      rec.state = it - neuron.states.begin();
    }
    run.records.push_back(rec);
  }
  model.run = std::move(run);
}

std::optional<Model> Sema::run(const ast::Module &module) {
  auto declareModel = [&](const ast::Ident &name, StringRef kind,
                          std::map<std::string, SMRange> &seen) {
    auto [previous, fresh] = seen.emplace(name.name, name.range);
    if (!fresh) {
      diags.error(name.range,
                  "redefinition of " + Twine(kind) + " " + quoted(name.name));
      diags.note(previous->second, "previous definition is here");
    }
    return fresh;
  };
  std::map<std::string, SMRange> neurons, synapses, outputs;
  for (const ast::NeuronDecl &decl : module.neurons)
    if (declareModel(decl.name, "neuron", neurons))
      checkNeuron(decl);
  for (const ast::SynapseDecl &decl : module.synapses)
    if (declareModel(decl.name, "synapse", synapses))
      checkSynapse(decl);
  for (const ast::OutputDecl &decl : module.outputs)
    if (declareModel(decl.name, "output", outputs))
      checkOutput(decl);
  failedNames.clear();
  for (const ast::PopulationDecl &decl : module.populations) {
    checkPopulation(decl);
    if (!populationIndex.count(decl.name.name))
      failedPopulations.insert(decl.name.name);
  }
  for (const ast::ProjectionDecl &decl : module.projections)
    checkProjection(decl);
  for (const ast::DriveDecl &decl : module.drives)
    checkDrive(decl);
  for (const ast::PoissonInputDecl &decl : module.poissonInputs)
    checkPoissonInput(decl);
  for (const ast::RunDecl &decl : module.runs)
    checkRun(decl);
  if (diags.hasErrors())
    return std::nullopt;
  return std::move(model);
}

} // namespace

std::optional<Model> snnc::analyze(const ast::Module &module,
                                   DiagnosticEngine &diags) {
  Sema sema(diags);
  return sema.run(module);
}
