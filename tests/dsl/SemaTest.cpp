//===- SemaTest.cpp - Tests for names, units and the typed model ----------===//
//
// Pins down what semantic analysis hands to the compiler: every name resolved
// to the right kind of leaf, every unit conversion folded into an exact
// constant (the seed's COBA current gets a factor 1e-3 into mA), overrides
// and initialisers converted into their declaration's unit, slices and
// connectivity resolved to numbers, the documented defaults, and the seed
// model's typed form.
//
//===----------------------------------------------------------------------===//

#include "snnc/dsl/Frontend.h"
#include "snnc/dsl/Model.h"

#include "llvm/Support/SourceMgr.h"

#include "gtest/gtest.h"

#include <cmath>
#include <string>
#include <vector>

using namespace snnc;
using namespace snnc::model;

namespace {

/// A LIF neuron, an exponential synapse and a COBA output, like the seed's;
/// tests append populations, projections and runs.
constexpr const char *library = R"(
neuron LIF {
  param V_rest = -60 mV
  param V_th = -50 mV
  param tau = 20 ms
  param tau_ref = 5 ms
  param R = 1 ohm
  state V : mV = V_rest
  input I : mA
  dV/dt = (-(V - V_rest) + R * I) / tau
  spike V >= V_th
  reset soft to V_rest
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

class SemaTest : public ::testing::Test {
protected:
  std::optional<Model> load(llvm::StringRef text) {
    return loadModelFromString(text, "sema.snn", diags);
  }
  std::optional<Model> loadWithLibrary(llvm::StringRef text) {
    return load((library + text).str());
  }
  std::vector<std::string> errors() const {
    std::vector<std::string> result;
    for (const Diagnostic &diag : diags.diagnostics())
      if (diag.severity == Severity::Error)
        result.push_back(diag.message);
    return result;
  }

  llvm::SourceMgr sourceMgr;
  std::string output;
  llvm::raw_string_ostream out{output};
  DiagnosticEngine diags{sourceMgr, &out};
};

/// Evaluates with every leaf read from `leaves` by op (index ignored).
double eval(const Expr &expr, double state = 0, double param = 0) {
  return evaluate(expr, [&](const Expr &leaf) {
    return leaf.op == Op::Param ? param : state;
  });
}

size_t paramIndex(const NeuronModel &neuron, llvm::StringRef name) {
  for (size_t p = 0; p < neuron.params.size(); ++p)
    if (neuron.params[p].name == name)
      return p;
  ADD_FAILURE() << "no parameter " << name.str();
  return 0;
}

//===----------------------------------------------------------------------===//
// The seed model
//===----------------------------------------------------------------------===//

TEST_F(SemaTest, SeedModelLoadsWithItsPopulationProjectionsAndParams) {
  std::optional<Model> model = loadModel(SNNC_EXAMPLES_DIR "/coba.snn", diags);
  ASSERT_TRUE(model.has_value()) << output;
  EXPECT_EQ(errors(), std::vector<std::string>{});

  ASSERT_EQ(model->neurons.size(), 1u);
  const NeuronModel &neuron = model->neurons[0];
  EXPECT_EQ(neuron.name, "LIFRef");
  std::vector<std::string> paramNames;
  for (const Param &param : neuron.params)
    paramNames.push_back(param.name + " [" + param.unit.str() + "]");
  EXPECT_EQ(paramNames, (std::vector<std::string>{"V_rest [mV]", "V_th [mV]",
                                                  "V_reset [mV]", "tau [ms]",
                                                  "tau_ref [ms]", "R [ohm]"}));
  ASSERT_EQ(neuron.states.size(), 1u);
  EXPECT_EQ(neuron.states[0].name, "V");
  EXPECT_EQ(neuron.states[0].unit.str(), "mV");
  ASSERT_EQ(neuron.inputs.size(), 1u);
  EXPECT_EQ(neuron.inputs[0].unit.str(), "mA");
  ASSERT_EQ(neuron.equations.size(), 1u);
  EXPECT_EQ(neuron.equations[0].integrator, Integrator::ExpEuler);
  EXPECT_EQ(neuron.spikeState, std::optional<unsigned>(0));
  EXPECT_EQ(neuron.reset, NeuronModel::ResetKind::Soft);
  ASSERT_TRUE(neuron.resetValue && neuron.refractory);
  EXPECT_EQ(neuron.resetValue->op, Op::Param);
  EXPECT_EQ(neuron.resetValue->index, paramIndex(neuron, "V_reset"));
  EXPECT_EQ(neuron.refractory->op, Op::Param);
  EXPECT_EQ(neuron.refractory->index, paramIndex(neuron, "tau_ref"));

  ASSERT_EQ(model->populations.size(), 1u);
  const Population &pop = model->populations[0];
  EXPECT_EQ(pop.name, "N");
  EXPECT_EQ(pop.size, 4000);
  EXPECT_EQ(pop.params, (std::vector<double>{-60, -50, -60, 20, 5, 1}));
  ASSERT_EQ(pop.stateInit.size(), 1u);
  EXPECT_EQ(pop.stateInit[0].kind, Initializer::Kind::Normal);
  EXPECT_EQ(pop.stateInit[0].a, -55);
  EXPECT_EQ(pop.stateInit[0].b, 2);

  ASSERT_EQ(model->projections.size(), 2u);
  const Projection &exc = model->projections[0];
  const Projection &inh = model->projections[1];
  EXPECT_EQ(exc.source.begin, 0);
  EXPECT_EQ(exc.source.end, 3200);
  EXPECT_EQ(inh.source.begin, 3200);
  EXPECT_EQ(inh.source.end, 4000);
  for (const Projection *proj : {&exc, &inh}) {
    EXPECT_EQ(proj->target.begin, 0);
    EXPECT_EQ(proj->target.end, 4000);
    EXPECT_EQ(proj->connectivity.kind, Connectivity::Kind::FixedPerPre);
    EXPECT_EQ(proj->connectivity.count, 80);
    EXPECT_TRUE(proj->connectivity.withReplacement);
    EXPECT_EQ(proj->targetInput, 0u);
    EXPECT_EQ(proj->weight.kind, Initializer::Kind::Expression);
  }
  EXPECT_EQ(exc.synapseParams, std::vector<double>{5});
  EXPECT_EQ(inh.synapseParams, std::vector<double>{10});
  EXPECT_EQ(exc.outputParams, std::vector<double>{0});
  EXPECT_EQ(inh.outputParams, std::vector<double>{-80});
  EXPECT_DOUBLE_EQ(exc.weight.value->value, 0.6);
  EXPECT_DOUBLE_EQ(inh.weight.value->value, 6.7);
  ASSERT_EQ(model->synapses.size(), 1u);
  EXPECT_EQ(model->synapses[0].weightUnit.str(), "mS");

  ASSERT_EQ(model->drives.size(), 1u);
  EXPECT_EQ(model->drives[0].value, 20);
  EXPECT_EQ(model->drives[0].target.size(), 4000);

  ASSERT_TRUE(model->run.has_value());
  EXPECT_EQ(model->run->durationMs, 1000);
  EXPECT_DOUBLE_EQ(model->run->dtMs, 0.1);
  EXPECT_EQ(model->run->seed, 42u);
  ASSERT_EQ(model->run->records.size(), 1u);
  EXPECT_TRUE(model->run->records[0].spikes);
}

TEST_F(SemaTest, CobaCurrentGetsAnExactFactorOneThousandthIntoMilliamps) {
  std::optional<Model> model = loadModel(SNNC_EXAMPLES_DIR "/coba.snn", diags);
  ASSERT_TRUE(model.has_value()) << output;
  const Expr &current = *model->projections[0].current;
  // g * (E - V) is mS * mV = uA, converted into the input's mA.
  EXPECT_EQ(current.unit.str(), "mA");
  ASSERT_EQ(current.op, Op::Mul);
  ASSERT_EQ(current.args[1]->op, Op::Constant);
  EXPECT_EQ(current.args[1]->value, 1e-3);
  EXPECT_EQ(current.args[0]->unit.str(), "uA");
  // The leaves: the synapse's g, the output's E, the target's V.
  const Expr &product = *current.args[0];
  ASSERT_EQ(product.op, Op::Mul);
  EXPECT_EQ(product.args[0]->op, Op::SynapseState);
  const Expr &difference = *product.args[1];
  ASSERT_EQ(difference.op, Op::Sub);
  EXPECT_EQ(difference.args[0]->op, Op::Param);
  EXPECT_EQ(difference.args[1]->op, Op::TargetState);
  // g = 1 mS, E = 0 mV, V = -60 mV: 60 uA = 0.06 mA.
  double value = evaluate(current, [](const Expr &leaf) {
    switch (leaf.op) {
    case Op::SynapseState:
      return 1.0;
    case Op::TargetState:
      return -60.0;
    default:
      return 0.0;
    }
  });
  EXPECT_DOUBLE_EQ(value, 0.06);
}

TEST_F(SemaTest, SeedSpikeConditionNamesTheThresholdAndResetVariable) {
  std::optional<Model> model = loadModel(SNNC_EXAMPLES_DIR "/coba.snn", diags);
  ASSERT_TRUE(model.has_value()) << output;
  const NeuronModel &neuron = model->neurons[0];
  ASSERT_TRUE(neuron.spike && neuron.spikeThreshold);
  EXPECT_TRUE(neuron.spike->isBoolean);
  EXPECT_EQ(neuron.spike->op, Op::GreaterEqual);
  EXPECT_EQ(neuron.spikeThreshold->op, Op::Param);
  EXPECT_EQ(neuron.spikeThreshold->index, paramIndex(neuron, "V_th"));
}

//===----------------------------------------------------------------------===//
// Units
//===----------------------------------------------------------------------===//

TEST_F(SemaTest, NumberWithACompoundUnitWritesARate) {
  std::optional<Model> model = load(R"(neuron A {
  param r = 10 mV/ms
  param s = 10 V/s
  state V : mV
  dV/dt = 10 mV/ms
}
)");
  ASSERT_TRUE(model.has_value()) << output;
  const NeuronModel &neuron = model->neurons[0];
  EXPECT_EQ(neuron.params[0].unit.str(), "mV/ms");
  EXPECT_EQ(neuron.params[0].defaultValue->value, 10);
  // V/s and mV/ms are the same size: no factor.
  EXPECT_EQ(neuron.params[1].defaultValue->value, 10);
  EXPECT_TRUE(neuron.params[1].unit == neuron.params[0].unit);
  ASSERT_EQ(neuron.equations.size(), 1u);
  EXPECT_EQ(neuron.equations[0].rhs->op, Op::Constant);
  EXPECT_EQ(neuron.equations[0].rhs->value, 10);
  EXPECT_EQ(neuron.equations[0].rhs->unit.str(), "mV/ms");
}

TEST_F(SemaTest, RightSideOfASumIsConvertedToTheLeftSidesUnit) {
  std::optional<Model> model = load(R"(neuron A {
  param a = 1 mV + 1 V
  param b = 1 V + 1 mV
  param c = 2 s - 500 ms
}
)");
  ASSERT_TRUE(model.has_value()) << output;
  const NeuronModel &neuron = model->neurons[0];
  EXPECT_EQ(neuron.params[0].unit.str(), "mV");
  EXPECT_DOUBLE_EQ(neuron.params[0].defaultValue->value, 1001);
  EXPECT_EQ(neuron.params[1].unit.str(), "V");
  EXPECT_DOUBLE_EQ(neuron.params[1].defaultValue->value, 1.001);
  EXPECT_EQ(neuron.params[2].unit.str(), "s");
  EXPECT_DOUBLE_EQ(neuron.params[2].defaultValue->value, 1.5);
}

TEST_F(SemaTest, DeclaredUnitConvertsTheValue) {
  std::optional<Model> model = load(R"(neuron A {
  param tau : ms = 0.02 s
  param g : nS = 1 uS
  state V : mV = -0.06 V
}
)");
  ASSERT_TRUE(model.has_value()) << output;
  const NeuronModel &neuron = model->neurons[0];
  EXPECT_DOUBLE_EQ(neuron.params[0].defaultValue->value, 20);
  EXPECT_DOUBLE_EQ(neuron.params[1].defaultValue->value, 1000);
  EXPECT_DOUBLE_EQ(eval(*neuron.states[0].initialValue), -60);
}

TEST_F(SemaTest, OdeRightHandSideIsConvertedIntoStateUnitPerMillisecond) {
  std::optional<Model> model = load(R"(neuron A {
  state V : mV
  state u : mV
  dV/dt = 1 V/ms
  du/dt = 3 mV/s
}
)");
  ASSERT_TRUE(model.has_value()) << output;
  const NeuronModel &neuron = model->neurons[0];
  EXPECT_DOUBLE_EQ(neuron.equations[0].rhs->value, 1000);
  EXPECT_DOUBLE_EQ(neuron.equations[1].rhs->value, 0.003);
  EXPECT_EQ(neuron.equations[1].rhs->unit.str(), "mV/ms");
}

TEST_F(SemaTest, BareUnitNameIsOneOfThatUnit) {
  std::optional<Model> model = load(R"(neuron A {
  param x = 2 * mV
  param y = 1 / ms
  param z = 3 mV / mV
}
)");
  ASSERT_TRUE(model.has_value()) << output;
  const NeuronModel &neuron = model->neurons[0];
  EXPECT_EQ(neuron.params[0].unit.str(), "mV");
  EXPECT_EQ(neuron.params[0].defaultValue->value, 2);
  EXPECT_EQ(neuron.params[1].unit.str(), "1/ms");
  EXPECT_TRUE(neuron.params[2].unit.isDimensionless());
  EXPECT_EQ(neuron.params[2].defaultValue->value, 3);
}

TEST_F(SemaTest, DeclaredNameShadowsAUnitOfTheSameSpelling) {
  // `g` is also the gram; inside the synapse it is the state.
  std::optional<Model> model = load(R"(synapse S {
  state g : mS = 0 mS
  dg/dt = -g / 5 ms
  on_pre g += w
}
)");
  ASSERT_TRUE(model.has_value()) << output;
  const Expr &rhs = *model->synapses[0].equations[0].rhs;
  EXPECT_TRUE(references(rhs, Op::State));
  EXPECT_EQ(rhs.unit.str(), "mS/ms");
}

TEST_F(SemaTest, ExpOfADimensionlessRatioAndSqrtOfASquare) {
  std::optional<Model> model = load(R"(neuron A {
  param e = exp(1)
  param r : mV = sqrt(4 mV * mV)
  param m = max(1 ms, 0.5 s)
  state V : mV
  dV/dt = exp((V - 1 mV) / 2 mV) * 1 mV/ms
}
)");
  ASSERT_TRUE(model.has_value()) << output;
  const NeuronModel &neuron = model->neurons[0];
  EXPECT_DOUBLE_EQ(neuron.params[0].defaultValue->value, std::exp(1.0));
  EXPECT_DOUBLE_EQ(neuron.params[1].defaultValue->value, 2);
  // The second argument is converted into the first's unit.
  EXPECT_EQ(neuron.params[2].unit.str(), "ms");
  EXPECT_DOUBLE_EQ(neuron.params[2].defaultValue->value, 500);
  EXPECT_TRUE(references(*neuron.equations[0].rhs, Op::Call));
}

TEST_F(SemaTest, IntegerPowerOfAQuantityAndAnyPowerOfAPureNumber) {
  std::optional<Model> model = load(R"(neuron A {
  param a = (2 mV)^2
  param b = 4^0.5
  param c = (2 ms)^-1
}
)");
  ASSERT_TRUE(model.has_value()) << output;
  const NeuronModel &neuron = model->neurons[0];
  EXPECT_EQ(neuron.params[0].unit.str(), "mV^2");
  EXPECT_DOUBLE_EQ(neuron.params[0].defaultValue->value, 4);
  EXPECT_DOUBLE_EQ(neuron.params[1].defaultValue->value, 2);
  EXPECT_EQ(neuron.params[2].unit.str(), "1/ms");
  EXPECT_DOUBLE_EQ(neuron.params[2].defaultValue->value, 0.5);
}

// White noise has dimension s^-0.5, as in Brian2, so the usual noise term
// sigma * sqrt(2 / tau) * xi needs half-integer dimensions: sqrt(2 / tau) is
// in 1/ms^0.5, and the term is a voltage per time. Here a parameter in
// 1/s^0.5 stands in for the noise.
TEST_F(SemaTest, SquareRootsOfOddDimensionsHaveHalfIntegerExponents) {
  std::optional<Model> model = load(R"(neuron Noisy {
  param tau = 10 ms
  param sigma = 2 mV
  param k : 1/s^0.5 = 3 s^-0.5
  param r = sqrt(2 / 10 ms) * sqrt(10 ms)
  param h = (4 ms)^1.5
  state v : mV = 0 mV
  state w : mV = 0 mV
  dv/dt = -v / tau + sigma * sqrt(2 / tau) * k
  dw/dt = -w / tau * sqrt(2 / tau) * sqrt(tau)
}
)");
  ASSERT_TRUE(model.has_value()) << output;
  const NeuronModel &neuron = model->neurons[0];
  const Param &k = neuron.params[paramIndex(neuron, "k")];
  EXPECT_EQ(k.unit.str(), "1/s^0.5");
  EXPECT_EQ(k.unit.dimension().exponent(BaseQuantity::Time),
            Exponent::fromHalves(-1));
  EXPECT_DOUBLE_EQ(k.defaultValue->value, 3);
  // sqrt(2 / tau) * sqrt(tau) is the pure number sqrt(2).
  const Param &r = neuron.params[paramIndex(neuron, "r")];
  EXPECT_EQ(r.unit.str(), "1");
  EXPECT_DOUBLE_EQ(r.defaultValue->value, std::sqrt(2.0));
  const Param &h = neuron.params[paramIndex(neuron, "h")];
  EXPECT_EQ(h.unit.str(), "ms^1.5");
  EXPECT_DOUBLE_EQ(h.defaultValue->value, 8);

  // The noise term, in mV/(ms^0.5*s^0.5), joins -v / tau in mV/ms by the
  // exact factor 10^-1.5, folded into one constant.
  const Expr &rhs = *neuron.equations[0].rhs;
  EXPECT_EQ(rhs.unit.str(), "mV/ms");
  ASSERT_EQ(rhs.op, Op::Add);
  const Expr &noise = *rhs.args[1];
  ASSERT_EQ(noise.op, Op::Mul);
  ASSERT_EQ(noise.args[0]->unit.str(), "mV/(ms^0.5*s^0.5)");
  ASSERT_EQ(noise.args[1]->op, Op::Constant);
  EXPECT_DOUBLE_EQ(noise.args[1]->value, 1 / std::sqrt(1000.0));
  // sqrt(2 / tau) is taken in the unit written, with no conversion.
  EXPECT_TRUE(references(rhs, Op::Call));
  EXPECT_EQ(neuron.equations[1].rhs->unit.str(), "mV/ms");
}

TEST_F(SemaTest, HalfIntegerDimensionsAreCheckedLikeWholeOnes) {
  std::optional<Model> model = load(R"(neuron Noisy {
  param tau = 10 ms
  param sigma = 2 mV
  state v : mV = 0 mV
  state w : mV = 0 mV
  dv/dt = -v / tau * (sqrt(2 / tau) + 1)
  dw/dt = sigma * sqrt(2 / tau)
}
)");
  EXPECT_FALSE(model.has_value());
  EXPECT_EQ(errors(), (std::vector<std::string>{
                          "cannot add 1/ms^0.5 and 1",
                          "dw/dt has dimension mV/ms^0.5, expected mV/ms"}));
}

//===----------------------------------------------------------------------===//
// Name resolution
//===----------------------------------------------------------------------===//

TEST_F(SemaTest, NamesInANeuronEquationResolveToTheirKindOfLeaf) {
  std::optional<Model> model = load(R"(neuron A {
  param tau = 20 ms
  state V : mV
  input I : mA
  dV/dt = (1 ohm * I - V) / tau + sin(t / 1 ms) * dt * 1 mV/ms^2
}
)");
  ASSERT_TRUE(model.has_value()) << output;
  const Expr &rhs = *model->neurons[0].equations[0].rhs;
  EXPECT_TRUE(references(rhs, Op::Param));
  EXPECT_TRUE(references(rhs, Op::State));
  EXPECT_TRUE(references(rhs, Op::Input));
  EXPECT_TRUE(references(rhs, Op::Time));
  EXPECT_TRUE(references(rhs, Op::Dt));
  EXPECT_FALSE(references(rhs, Op::Weight));
}

TEST_F(SemaTest, WeightTakesTheUnitOfTheStateOnPreAddsItTo) {
  std::optional<Model> model = load(R"(synapse S {
  state x = 1
  state g : nS = 0 nS
  on_pre g += w
  on_pre x *= 0.5
}
)");
  ASSERT_TRUE(model.has_value()) << output;
  const SynapseModel &synapse = model->synapses[0];
  EXPECT_EQ(synapse.weightUnit.str(), "nS");
  ASSERT_EQ(synapse.onPre.size(), 2u);
  EXPECT_EQ(synapse.onPre[0].state, 1u);
  EXPECT_EQ(synapse.onPre[0].op, ast::AssignOp::Add);
  EXPECT_EQ(synapse.onPre[0].value->op, Op::Weight);
  EXPECT_EQ(synapse.onPre[1].op, ast::AssignOp::Mul);
}

TEST_F(SemaTest, InitialiserMayReadTheNeuronIndexAndParameters) {
  std::optional<Model> model = loadWithLibrary(R"(
population N = LIF(10) {
  V = V_rest + i * 0.5 mV
}
)");
  ASSERT_TRUE(model.has_value()) << output;
  const Initializer &init = model->populations[0].stateInit[0];
  EXPECT_EQ(init.kind, Initializer::Kind::Expression);
  EXPECT_TRUE(references(*init.value, Op::NeuronIndex));
  // Neuron 4 with V_rest = -60: -58 mV.
  double value = evaluate(*init.value, [](const Expr &leaf) {
    return leaf.op == Op::NeuronIndex ? 4.0 : -60.0;
  });
  EXPECT_DOUBLE_EQ(value, -58);
}

TEST_F(SemaTest, StateWithoutAnInitialValueStartsAtZero) {
  std::optional<Model> model = load("neuron A {\n  state V : mV\n}\n");
  ASSERT_TRUE(model.has_value()) << output;
  const State &state = model->neurons[0].states[0];
  ASSERT_EQ(state.initialValue->op, Op::Constant);
  EXPECT_EQ(state.initialValue->value, 0);
}

TEST_F(SemaTest, NeuronDefaultStateValueMayReadParameters) {
  std::optional<Model> model = loadWithLibrary("population N = LIF(10)\n");
  ASSERT_TRUE(model.has_value()) << output;
  const Initializer &init = model->populations[0].stateInit[0];
  EXPECT_EQ(init.kind, Initializer::Kind::Expression);
  EXPECT_EQ(init.value->op, Op::Param);
}

//===----------------------------------------------------------------------===//
// Populations, overrides and initialisers
//===----------------------------------------------------------------------===//

TEST_F(SemaTest, ParameterOverridesAreConvertedIntoTheParametersUnit) {
  std::optional<Model> model = loadWithLibrary(R"(
population N = LIF(100, tau = 0.02 s, V_th = -0.045 V)
population M = LIF(10, -65 mV)
)");
  ASSERT_TRUE(model.has_value()) << output;
  const NeuronModel &neuron = model->neurons[0];
  const Population &n = model->populations[0];
  EXPECT_DOUBLE_EQ(n.params[paramIndex(neuron, "tau")], 20);
  EXPECT_DOUBLE_EQ(n.params[paramIndex(neuron, "V_th")], -45);
  EXPECT_DOUBLE_EQ(n.params[paramIndex(neuron, "V_rest")], -60);
  // Positional overrides follow the size, in declaration order.
  EXPECT_DOUBLE_EQ(model->populations[1].params[0], -65);
}

TEST_F(SemaTest, PopulationBlockOverridesAParameterOrMakesItPerNeuron) {
  std::optional<Model> model = loadWithLibrary(R"(
population N = LIF(100) {
  tau = 0.03 s
  V_th ~ uniform(-52 mV, -48 mV)
  V ~ normal(std = 2 mV, mean = -0.055 V)
}
)");
  ASSERT_TRUE(model.has_value()) << output;
  const NeuronModel &neuron = model->neurons[0];
  const Population &pop = model->populations[0];
  EXPECT_DOUBLE_EQ(pop.params[paramIndex(neuron, "tau")], 30);
  EXPECT_FALSE(pop.perNeuronParams[paramIndex(neuron, "tau")].has_value());
  const std::optional<Initializer> &vth =
      pop.perNeuronParams[paramIndex(neuron, "V_th")];
  ASSERT_TRUE(vth.has_value());
  EXPECT_EQ(vth->kind, Initializer::Kind::Uniform);
  EXPECT_EQ(vth->a, -52);
  EXPECT_EQ(vth->b, -48);
  EXPECT_EQ(pop.stateInit[0].kind, Initializer::Kind::Normal);
  EXPECT_DOUBLE_EQ(pop.stateInit[0].a, -55);
  EXPECT_DOUBLE_EQ(pop.stateInit[0].b, 2);
}

TEST_F(SemaTest, MissingRequiredParameterFailsTheModel) {
  std::optional<Model> model = loadWithLibrary(R"(
population N = LIF(10)
project N -> N {
  synapse Expon
  output COBA(E = 0 mV)
  connect all_to_all
  weight 1 mS
}
)");
  EXPECT_FALSE(model.has_value());
  EXPECT_EQ(errors(), std::vector<std::string>{
                          "missing value for parameter 'tau' of synapse "
                          "'Expon'"});
}

//===----------------------------------------------------------------------===//
// Projections, slices and connectivity
//===----------------------------------------------------------------------===//

/// A projection from `source` to `target` with connect rule `rule`.
std::string projection(llvm::StringRef source, llvm::StringRef target,
                       llvm::StringRef rule,
                       llvm::StringRef weight = "weight 1 mS") {
  return ("project " + source + " -> " + target +
          " {\n  synapse Expon(tau = 5 ms)\n  output COBA(E = 0 mV)\n"
          "  connect " +
          rule + "\n  " + weight + "\n}\n")
      .str();
}

TEST_F(SemaTest, SlicesResolveToHalfOpenRangesWithDefaults) {
  std::optional<Model> model =
      loadWithLibrary("population N = LIF(4000)\n" +
                      projection("N[0:3200]", "N[:100]", "all_to_all") +
                      projection("N[3900:]", "N", "all_to_all") +
                      projection("N[:]", "N[10:20]", "all_to_all"));
  ASSERT_TRUE(model.has_value()) << output;
  const std::vector<Projection> &projs = model->projections;
  ASSERT_EQ(projs.size(), 3u);
  EXPECT_EQ(projs[0].source.size(), 3200);
  EXPECT_EQ(projs[0].target.begin, 0);
  EXPECT_EQ(projs[0].target.end, 100);
  EXPECT_EQ(projs[1].source.begin, 3900);
  EXPECT_EQ(projs[1].source.end, 4000);
  EXPECT_EQ(projs[1].target.size(), 4000);
  EXPECT_EQ(projs[2].source.size(), 4000);
  EXPECT_EQ(projs[2].target.begin, 10);
  EXPECT_EQ(projs[2].target.size(), 10);
}

TEST_F(SemaTest, FixedPerPreFractionIsThatShareOfTheTargets) {
  std::optional<Model> model =
      loadWithLibrary("population N = LIF(4000)\n" +
                      projection("N[0:3200]", "N", "fixed_per_pre(0.02)") +
                      projection("N", "N[0:100]", "fixed_per_pre(0.29)") +
                      projection("N", "N", "fixed_per_pre(80)"));
  ASSERT_TRUE(model.has_value()) << output;
  EXPECT_EQ(model->projections[0].connectivity.count, 80);
  // int(0.29 * 100) is 28, as in brainstate: the product is 28.999...
  EXPECT_EQ(model->projections[1].connectivity.count, 28);
  EXPECT_EQ(model->projections[2].connectivity.count, 80);
  EXPECT_TRUE(model->projections[0].connectivity.withReplacement);
}

TEST_F(SemaTest, FixedPerPostFractionIsThatShareOfTheSources) {
  std::optional<Model> model =
      loadWithLibrary("population N = LIF(4000)\n" +
                      projection("N[0:3200]", "N", "fixed_per_post(0.5)"));
  ASSERT_TRUE(model.has_value()) << output;
  EXPECT_EQ(model->projections[0].connectivity.kind,
            Connectivity::Kind::FixedPerPost);
  EXPECT_EQ(model->projections[0].connectivity.count, 1600);
}

TEST_F(SemaTest, OtherConnectivityRulesKeepTheirParameters) {
  std::optional<Model> model = loadWithLibrary(
      "population N = LIF(100)\n" + projection("N", "N", "fixed_prob(0.02)") +
      projection("N", "N", "all_to_all") +
      projection("N[0:50]", "N[50:100]", "one_to_one"));
  ASSERT_TRUE(model.has_value()) << output;
  EXPECT_EQ(model->projections[0].connectivity.kind,
            Connectivity::Kind::FixedProb);
  EXPECT_DOUBLE_EQ(model->projections[0].connectivity.probability, 0.02);
  EXPECT_EQ(model->projections[1].connectivity.kind,
            Connectivity::Kind::AllToAll);
  EXPECT_EQ(model->projections[2].connectivity.kind,
            Connectivity::Kind::OneToOne);
}

TEST_F(SemaTest, WeightIsConvertedIntoTheWeightUnit) {
  std::optional<Model> model = loadWithLibrary(
      "population N = LIF(100)\n" +
      projection("N", "N", "all_to_all", "weight 600 uS") +
      projection("N", "N", "all_to_all", "weight ~ normal(600 uS, 0.0001 S)") +
      projection("N", "N", "all_to_all", "weight ~ uniform(1 mS, 2 mS)"));
  ASSERT_TRUE(model.has_value()) << output;
  EXPECT_DOUBLE_EQ(model->projections[0].weight.value->value, 0.6);
  EXPECT_EQ(model->projections[1].weight.kind, Initializer::Kind::Normal);
  EXPECT_DOUBLE_EQ(model->projections[1].weight.a, 0.6);
  EXPECT_DOUBLE_EQ(model->projections[1].weight.b, 0.1);
  EXPECT_EQ(model->projections[2].weight.kind, Initializer::Kind::Uniform);
  EXPECT_DOUBLE_EQ(model->projections[2].weight.b, 2);
}

TEST_F(SemaTest, OutputFeedsTheInputItNames) {
  std::optional<Model> model = load(R"(
neuron Two {
  state V : mV
  input I_exc : mA
  input I_inh : nA
}
synapse Expon {
  state g : mS = 0 mS
  on_pre g += w
}
output COBA {
  param E : mV
  current g * (E - V)
}
population N = Two(10)
project N -> N {
  synapse Expon
  output COBA(E = -80 mV) to I_inh
  connect all_to_all
  weight 1 mS
}
)");
  ASSERT_TRUE(model.has_value()) << output;
  const Projection &proj = model->projections[0];
  EXPECT_EQ(proj.targetInput, 1u);
  // mS * mV = uA into nA: a factor 1000.
  EXPECT_EQ(proj.current->unit.str(), "nA");
  ASSERT_EQ(proj.current->op, Op::Mul);
  EXPECT_EQ(proj.current->args[1]->value, 1000);
}

TEST_F(SemaTest, DriveAndRecordResolveSlicesInputsAndStates) {
  std::optional<Model> model = loadWithLibrary(R"(
population N = LIF(100)
drive N[10:20].I = 20000 uA
run 1 s dt 100 us seed 7 {
  record N.spike
  record N[0:5].V
}
)");
  ASSERT_TRUE(model.has_value()) << output;
  ASSERT_EQ(model->drives.size(), 1u);
  EXPECT_DOUBLE_EQ(model->drives[0].value, 20);
  EXPECT_EQ(model->drives[0].target.begin, 10);
  EXPECT_EQ(model->drives[0].target.end, 20);
  EXPECT_EQ(model->drives[0].input, 0u);
  const RunSettings &run = *model->run;
  EXPECT_DOUBLE_EQ(run.durationMs, 1000);
  EXPECT_DOUBLE_EQ(run.dtMs, 0.1);
  EXPECT_EQ(run.seed, 7u);
  ASSERT_EQ(run.records.size(), 2u);
  EXPECT_TRUE(run.records[0].spikes);
  EXPECT_EQ(run.records[0].target.size(), 100);
  EXPECT_FALSE(run.records[1].spikes);
  EXPECT_EQ(run.records[1].state, 0u);
  EXPECT_EQ(run.records[1].target.size(), 5);
}

//===----------------------------------------------------------------------===//
// Defaults
//===----------------------------------------------------------------------===//

TEST_F(SemaTest, DefaultsAreExpEulerDt01MsSeed0AndNoRun) {
  std::optional<Model> model =
      loadWithLibrary("population N = LIF(10)\nrun 100 ms\n");
  ASSERT_TRUE(model.has_value()) << output;
  const Equation &eq = model->neurons[0].equations[0];
  EXPECT_EQ(eq.integrator, Integrator::ExpEuler);
  EXPECT_EQ(eq.integratorReason, "default");
  EXPECT_DOUBLE_EQ(model->run->dtMs, 0.1);
  EXPECT_EQ(model->run->seed, 0u);
  EXPECT_TRUE(model->run->records.empty());

  std::optional<Model> noRun = load("neuron A {\n  state V : mV\n}\n");
  ASSERT_TRUE(noRun.has_value()) << output;
  EXPECT_FALSE(noRun->run.has_value());
  EXPECT_EQ(noRun->neurons[0].reset, NeuronModel::ResetKind::None);
  EXPECT_EQ(noRun->neurons[0].refractory, nullptr);
  EXPECT_EQ(noRun->neurons[0].spike, nullptr);
}

TEST_F(SemaTest, IntegratorIsChosenPerBlockAndPerEquation) {
  std::optional<Model> model = load(R"(neuron A {
  integrator rk4
  state V : mV
  state u : mV
  state x : mV
  dV/dt = -V / 10 ms
  du/dt = -u / 10 ms using euler
  dx/dt = -x / 10 ms using exact
}
synapse S {
  state g : mS
  dg/dt = -g / 5 ms using rk2
  on_pre g += w
}
)");
  ASSERT_TRUE(model.has_value()) << output;
  const std::vector<Equation> &eqs = model->neurons[0].equations;
  ASSERT_EQ(eqs.size(), 3u);
  EXPECT_EQ(eqs[0].integrator, Integrator::RK4);
  EXPECT_EQ(eqs[0].integratorReason, "set by 'integrator' in A");
  EXPECT_EQ(eqs[1].integrator, Integrator::Euler);
  EXPECT_EQ(eqs[1].integratorReason, "written after the equation");
  EXPECT_EQ(eqs[2].integrator, Integrator::Exact);
  EXPECT_EQ(model->synapses[0].equations[0].integrator, Integrator::RK2);
}

TEST_F(SemaTest, HardResetAndGreaterThanSpikeAreAccepted) {
  std::optional<Model> model = load(R"(neuron A {
  state V : mV
  spike V > 1 mV
  reset hard to 0.5 mV
}
)");
  ASSERT_TRUE(model.has_value()) << output;
  const NeuronModel &neuron = model->neurons[0];
  EXPECT_EQ(neuron.reset, NeuronModel::ResetKind::Hard);
  EXPECT_EQ(neuron.resetValue->value, 0.5);
  EXPECT_EQ(neuron.spikeState, std::optional<unsigned>(0));
}

//===----------------------------------------------------------------------===//
// Errors
//===----------------------------------------------------------------------===//

TEST_F(SemaTest, ErrorsInDifferentDeclarationsAreAllReported) {
  std::optional<Model> model = loadWithLibrary(R"(
population N = LIF(10, tau = 1 mV)
population M = LIF(10)
drive M.I = 1 mV
run 10 ms dt -1 ms
)");
  EXPECT_FALSE(model.has_value());
  EXPECT_EQ(errors(), (std::vector<std::string>{
                          "parameter 'tau' has dimension mV, expected ms",
                          "the drive has dimension mV, expected mA",
                          "the time step must be positive"}));
}

TEST_F(SemaTest, FailedDeclarationIsNotReportedAgainWhereItIsUsed) {
  std::optional<Model> model = load(R"(neuron A {
  param tau : mss = 20 ms
  state V : mV
  dV/dt = -V / tau
  spike V >= 1 mV
  reset hard to 0 mV
}
)");
  EXPECT_FALSE(model.has_value());
  // Not also "unknown name 'tau'" in the equation.
  EXPECT_EQ(errors(),
            std::vector<std::string>{"unknown unit 'mss'; did you mean 'ms'?"});
}

TEST_F(SemaTest, FailedPopulationIsNotReportedAgainWhereItIsUsed) {
  std::optional<Model> model = loadWithLibrary(R"(
population N = LIF(10, tau = 1 mV)
drive N.I = 1 mA
run 10 ms {
  record N.V
}
)");
  EXPECT_FALSE(model.has_value());
  EXPECT_EQ(errors(), std::vector<std::string>{
                          "parameter 'tau' has dimension mV, expected ms"});
}

TEST_F(SemaTest, NoModelAfterParseErrors) {
  std::optional<Model> model = load("neuron A {\n  state V : mV = \n}\n");
  EXPECT_FALSE(model.has_value());
  EXPECT_EQ(errors(), std::vector<std::string>{
                          "expected an expression, found end of line"});
}

} // namespace

namespace {

// A weight that no on_pre statement reads changes nothing: say so, at it.
TEST_F(SemaTest, AWeightNothingReadsIsAWarningAtIt) {
  std::optional<Model> model = loadWithLibrary(R"(
synapse Fixed {
  state g : mS = 0 mS
  dg/dt = -g / 5 ms
  on_pre g += 1 mS
}
population N = LIF(10)
project N -> N {
  synapse Fixed
  output  COBA(E = 0 mV)
  connect all_to_all
  weight  50000
}
project N -> N {
  synapse Expon(tau = 5 ms)
  output  COBA(E = 0 mV)
  connect all_to_all
  weight  0.5 mS
}
)");
  ASSERT_TRUE(model) << output;
  std::vector<const Diagnostic *> warnings;
  for (const Diagnostic &diag : diags.diagnostics())
    if (diag.severity == Severity::Warning)
      warnings.push_back(&diag);
  ASSERT_EQ(warnings.size(), 1u) << output;
  EXPECT_EQ(warnings[0]->message,
            "this weight is never read: the on_pre of synapse 'Fixed' does "
            "not use 'w'");
  EXPECT_NE(output.find("weight  50000\n"), std::string::npos) << output;
  EXPECT_TRUE(model->synapses[0].readsWeight);  // Expon
  EXPECT_FALSE(model->synapses[1].readsWeight); // Fixed
}

} // namespace

namespace {

// pi is a number wherever expressions are; a model's own pi wins.
TEST_F(SemaTest, PiIsANumberAndPerAreaValuesConvert) {
  std::optional<Model> model = loadWithLibrary(R"(
neuron Patch {
  param c = 1 uF/cm^2
  param pi = 3
  state V : mV = 0 mV
  input I : mA
  dV/dt = (-V + 1 ohm * I) / 10 ms * pi
}
population N = LIF(4)
population P = Patch(4)
drive N.I = 2 * pi * 1 mA
)");
  ASSERT_TRUE(model) << output;
  EXPECT_DOUBLE_EQ(model->drives[0].value, 2 * M_PI);
  const NeuronModel &patch = model->neurons[1];
  // 1 uF/cm^2 = 10^-2 F/m^2, kept in the unit it was written in.
  EXPECT_EQ(patch.params[0].unit.str(), "uF/cm^2");
  EXPECT_DOUBLE_EQ(model->populations[1].params[1], 3); // its own pi
}

} // namespace

namespace {

TEST_F(SemaTest, FixedTotalNumberTakesAWholeNumberOfSynapses) {
  std::optional<Model> model = loadWithLibrary(R"(
population N = LIF(10)
project N -> N {
  synapse Expon(tau = 5 ms)
  output  COBA(E = 0 mV)
  connect fixed_total_number(250)
  weight  0.5 mS
}
)");
  ASSERT_TRUE(model) << output;
  EXPECT_EQ(model->projections[0].connectivity.kind,
            Connectivity::Kind::FixedTotalNumber);
  EXPECT_EQ(model->projections[0].connectivity.count, 250);
  for (const char *bad : {"0.5", "-3", "3000000000"}) {
    SCOPED_TRACE(bad);
    llvm::SourceMgr sources;
    std::string log;
    llvm::raw_string_ostream stream(log);
    DiagnosticEngine fresh(sources, &stream);
    std::string text = std::string(library) + R"(
population N = LIF(10)
project N -> N {
  synapse Expon(tau = 5 ms)
  output  COBA(E = 0 mV)
  connect fixed_total_number()" +
                       bad + R"()
  weight  0.5 mS
}
)";
    EXPECT_FALSE(loadModelFromString(text, "bad.snn", fresh));
    EXPECT_NE(log.find("fixed_total_number takes a whole number of synapses, "
                       "at most 2^31 - 1"),
              std::string::npos)
        << log;
  }
}

} // namespace
