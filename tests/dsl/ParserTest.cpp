//===- ParserTest.cpp - Tests for the recursive-descent parser ------------===//
//
// Pins down the syntax of every construct (neuron, synapse, output,
// population, projection, drive, run, import), operator precedence and
// associativity as seen through ast::print's fully parenthesised form, and
// error recovery: after a syntax error the parser skips the statement and
// reports the next independent error in the same run.
//
//===----------------------------------------------------------------------===//

#include "snnc/dsl/Parser.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

#include "gtest/gtest.h"

#include <string>
#include <vector>

using namespace snnc;

namespace {

class ParserTest : public ::testing::Test {
protected:
  ast::Module parse(llvm::StringRef text) {
    unsigned id = sourceMgr.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBufferCopy(text, "parse.snn"), llvm::SMLoc());
    return parseModule(id, diags);
  }

  /// The module as `snnc emit ast` prints it.
  std::string printed(llvm::StringRef text) {
    ast::Module module = parse(text);
    std::string result;
    llvm::raw_string_ostream os(result);
    ast::print(module, os);
    return result;
  }

  /// One expression, parsed as a parameter value, fully parenthesised.
  std::string expr(llvm::StringRef text) {
    ast::Module module =
        parse(("neuron A {\n  param x = " + text + "\n}\n").str());
    if (module.neurons.size() != 1 || module.neurons[0].params.size() != 1 ||
        !module.neurons[0].params[0].value)
      return "<no expression>";
    std::string result;
    llvm::raw_string_ostream os(result);
    ast::print(*module.neurons[0].params[0].value, os);
    return result;
  }

  std::vector<std::string> errors() const {
    std::vector<std::string> result;
    for (const Diagnostic &diag : diags.diagnostics())
      if (diag.severity == Severity::Error)
        result.push_back(std::to_string(diag.line) + ":" +
                         std::to_string(diag.column) + ": " + diag.message);
    return result;
  }

  llvm::SourceMgr sourceMgr;
  std::string output;
  llvm::raw_string_ostream out{output};
  DiagnosticEngine diags{sourceMgr, &out};
};

//===----------------------------------------------------------------------===//
// Model definitions
//===----------------------------------------------------------------------===//

TEST_F(ParserTest, NeuronTakesEveryKindOfMember) {
  EXPECT_EQ(printed(R"(neuron LIF {
  integrator rk4
  param V_rest = -60 mV
  param tau : ms = 20 ms
  param R : ohm
  state V : mV = V_rest
  state u : mV
  input I : mA
  dV/dt = (-(V - V_rest) + R * I) / tau
  du/dt = -u / tau using euler
  spike V >= V_rest + 10 mV
  reset soft to V_rest
  refractory 5 ms
}
)"),
            R"(neuron LIF
    param V_rest = (-60 mV)
    param tau : ms = 20 ms
    param R : ohm
    state V : mV = V_rest
    state u : mV
    ode dV/dt = (((-(V - V_rest)) + (R * I)) / tau)
    ode du/dt = ((-u) / tau) using euler
    integrator rk4
    input I : mA
    spike (V >= (V_rest + 10 mV))
    reset soft to V_rest
    refractory 5 ms
)");
  EXPECT_EQ(errors(), std::vector<std::string>{});
}

TEST_F(ParserTest, HardResetAndRangesOfNeuronMembers) {
  ast::Module module = parse("neuron A {\n  state V : mV\n"
                             "  spike V > 1 mV\n  reset hard to 0 mV\n}\n");
  ASSERT_EQ(module.neurons.size(), 1u);
  const ast::NeuronDecl &neuron = module.neurons[0];
  ASSERT_TRUE(neuron.reset.has_value());
  EXPECT_EQ(neuron.reset->kind, ast::ResetDecl::Hard);
  EXPECT_EQ(neuron.name.name, "A");
  ASSERT_TRUE(neuron.spike);
  EXPECT_EQ(neuron.spike->binaryOp, ast::BinaryOp::Greater);
  auto [line, column] = sourceMgr.getLineAndColumn(neuron.spikeRange.Start);
  EXPECT_EQ(line, 3u);
  EXPECT_EQ(column, 3u);
}

TEST_F(ParserTest, OdeNameIsTheStateAfterTheLeadingD) {
  ast::Module module = parse("neuron A {\n  ddelta / dt = 1\n  dV/dt = 2\n}\n");
  ASSERT_EQ(module.neurons.size(), 1u);
  ASSERT_EQ(module.neurons[0].odes.size(), 2u);
  EXPECT_EQ(module.neurons[0].odes[0].state.name, "delta");
  EXPECT_EQ(module.neurons[0].odes[1].state.name, "V");
  // The state's range starts after the 'd'.
  auto [line, column] =
      sourceMgr.getLineAndColumn(module.neurons[0].odes[1].state.range.Start);
  EXPECT_EQ(line, 3u);
  EXPECT_EQ(column, 4u);
}

TEST_F(ParserTest, SynapseTakesOnPreWithEveryAssignmentOperator) {
  EXPECT_EQ(printed(R"(synapse S {
  param tau : ms
  state g : mS = 0 mS
  state x = 1
  dg/dt = -g / tau
  on_pre g += w
  on_pre g -= 1 mS
  on_pre x *= 2
  on_pre x /= 2
  on_pre x = 0
}
)"),
            R"(synapse S
    param tau : ms
    state g : mS = 0 mS
    state x = 1
    ode dg/dt = ((-g) / tau)
    on_pre g += w
    on_pre g -= 1 mS
    on_pre x *= 2
    on_pre x /= 2
    on_pre x = 0
)");
  EXPECT_EQ(errors(), std::vector<std::string>{});
}

TEST_F(ParserTest, OutputTakesParamsAndACurrent) {
  EXPECT_EQ(
      printed("output COBA {\n  param E : mV\n  current g * (E - V)\n}\n"),
      "output COBA\n    param E : mV\n    current (g * (E - V))\n");
}

TEST_F(ParserTest, UnitsComposeIntoFactorsWithPowers) {
  EXPECT_EQ(printed(R"(neuron A {
  param a : mV/ms
  param b : nS*mV
  param c : 1/ms
  param d : m^2
  param e : (mV/ms)^2
  param f : mV^-1
  param g : mV/(ms*mS)
  param h : 1
}
)"),
            R"(neuron A
    param a : mV*ms^-1
    param b : nS*mV
    param c : ms^-1
    param d : m^2
    param e : mV^2*ms^-2
    param f : mV^-1
    param g : mV*ms^-1*mS^-1
    param h : 1
)");
  EXPECT_EQ(errors(), std::vector<std::string>{});
}

// Square roots give half-integer dimensions (white noise is s^-0.5), so a
// unit's power may be a half-integer too.
TEST_F(ParserTest, UnitPowersMayBeHalfIntegers) {
  EXPECT_EQ(printed(R"(neuron A {
  param a : mV/ms^0.5
  param b : ms^-1.5
  param c : (mV/ms)^0.5
  param d : (ms^0.5)^2
}
)"),
            R"(neuron A
    param a : mV*ms^-0.5
    param b : ms^-1.5
    param c : mV^0.5*ms^-0.5
    param d : ms
)");
  EXPECT_EQ(errors(), std::vector<std::string>{});
  EXPECT_EQ(expr("2 ms^0.5"), "2 ms^0.5");
}

TEST_F(ParserTest, BlockMayCloseOnTheLineOfItsLastMember) {
  ast::Module module = parse("neuron A { state V : mV }\nneuron B {}\n");
  ASSERT_EQ(module.neurons.size(), 2u);
  EXPECT_EQ(module.neurons[0].states.size(), 1u);
  EXPECT_EQ(errors(), std::vector<std::string>{});
}

//===----------------------------------------------------------------------===//
// The network
//===----------------------------------------------------------------------===//

TEST_F(ParserTest, PopulationTakesSizeOverridesAndInitialisers) {
  EXPECT_EQ(printed(R"(population N = LIF(4000, tau = 10 ms) {
  V ~ normal(-55 mV, 2 mV)
  u ~ normal(std = 2 mV, mean = 0 mV)
  w0 = -60 mV + i * 0.01 mV
  tau ~ uniform(15 ms, 25 ms)
}
population M = LIF(10)
)"),
            R"(population N = LIF(4000, tau = 10 ms)
    V ~ normal((-55 mV), 2 mV)
    u ~ normal(std = 2 mV, mean = 0 mV)
    w0 = ((-60 mV) + (i * 0.01 mV))
    tau ~ uniform(15 ms, 25 ms)
population M = LIF(10)
)");
  EXPECT_EQ(errors(), std::vector<std::string>{});
}

TEST_F(ParserTest, ProjectionTakesEveryMemberAndSlices) {
  EXPECT_EQ(printed(R"(project N[0:3200] -> M[:100] {
  synapse Expon(tau = 5 ms)
  output COBA(E = 0 mV) to I_exc
  connect fixed_per_pre(0.02)
  weight ~ normal(0.6 mS, 0.1 mS)
}
project N[3200:] -> M {
  synapse Expon
  output CUBA
  connect all_to_all
  weight = 6.7 mS
}
)"),
            R"(project N[0:3200] -> M[:100]
    synapse Expon(tau = 5 ms)
    output COBA(E = 0 mV) to I_exc
    connect fixed_per_pre(0.02)
    weight ~ normal(0.6 mS, 0.1 mS)
project N[3200:] -> M
    synapse Expon()
    output CUBA()
    connect all_to_all()
    weight 6.7 mS
)");
  EXPECT_EQ(errors(), std::vector<std::string>{});
}

TEST_F(ParserTest, SliceBoundsAreOptionalOnEitherSide) {
  ast::Module module = parse("drive N[5:].I = 1 mA\ndrive N[:7].I = 1 mA\n"
                             "drive N[:].I = 1 mA\ndrive N.I = 1 mA\n");
  ASSERT_EQ(module.drives.size(), 4u);
  EXPECT_EQ(module.drives[0].target.begin, std::optional<int64_t>(5));
  EXPECT_FALSE(module.drives[0].target.end.has_value());
  EXPECT_FALSE(module.drives[1].target.begin.has_value());
  EXPECT_EQ(module.drives[1].target.end, std::optional<int64_t>(7));
  EXPECT_TRUE(module.drives[2].target.sliced);
  EXPECT_FALSE(module.drives[2].target.begin.has_value());
  EXPECT_FALSE(module.drives[3].target.sliced);
  EXPECT_EQ(errors(), std::vector<std::string>{});
}

TEST_F(ParserTest, DriveTakesAPopulationSliceAnInputAndAValue) {
  EXPECT_EQ(printed("drive N[0:100].I = 20 mA\ndrive N.I_ext = 2 * 10 mA\n"),
            "drive N[0:100].I = 20 mA\ndrive N.I_ext = (2 * 10 mA)\n");
}

TEST_F(ParserTest, RunTakesDurationDtSeedAndRecords) {
  EXPECT_EQ(printed(R"(run 1000 ms dt 0.1 ms seed 42 {
  record N.spike
  record N[0:10].V
}
)"),
            "run 1000 ms dt 0.1 ms seed 42\n    record N.spike\n"
            "    record N[0:10].V\n");
  EXPECT_EQ(errors(), std::vector<std::string>{});
}

TEST_F(ParserTest, RunOptionsComeInAnyOrderAndTheBlockIsOptional) {
  EXPECT_EQ(printed("run 1 s seed 7 dt 0.05 ms\n"),
            "run 1 s dt 0.05 ms seed 7\n");
  EXPECT_EQ(printed("run 10 ms { record N.spike }\n"),
            "run 10 ms\n    record N.spike\n");
  EXPECT_EQ(errors(), std::vector<std::string>{});
}

TEST_F(ParserTest, ImportTakesAQuotedPath) {
  ast::Module module = parse("import \"lib/cells.snn\"\nimport \"b.snn\"\n");
  ASSERT_EQ(module.imports.size(), 2u);
  EXPECT_EQ(module.imports[0].path, "lib/cells.snn");
  EXPECT_EQ(printed("import \"b.snn\"\n"), "import \"b.snn\"\n");
  EXPECT_EQ(errors(), std::vector<std::string>{});
}

TEST_F(ParserTest, SeedModelShapeParsesWithoutErrors) {
  ast::Module module = parse(R"(# comment
neuron LIFRef {
  param V_th = -50 mV   # trailing comment
  state V : mV = -60 mV
  input I : mA
  dV/dt = (-(V + 60 mV) + 1 ohm * I) / 20 ms
  spike V >= V_th
  reset soft to -60 mV
  refractory 5 ms
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

population N = LIFRef(4000) {
  V ~ normal(-55 mV, 2 mV)
}

project N[0:3200] -> N {
  synapse Expon(tau = 5 ms)
  output  COBA(E = 0 mV)
  connect fixed_per_pre(80)
  weight  0.6 mS
}

drive N.I = 20 mA
run 1000 ms dt 0.1 ms seed 42 {
  record N.spike
}
)");
  EXPECT_EQ(errors(), std::vector<std::string>{});
  EXPECT_EQ(module.neurons.size(), 1u);
  EXPECT_EQ(module.synapses.size(), 1u);
  EXPECT_EQ(module.outputs.size(), 1u);
  EXPECT_EQ(module.populations.size(), 1u);
  EXPECT_EQ(module.projections.size(), 1u);
  EXPECT_EQ(module.drives.size(), 1u);
  EXPECT_EQ(module.runs.size(), 1u);
}

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

TEST_F(ParserTest, MultiplicationBindsTighterThanAddition) {
  EXPECT_EQ(expr("1 + 2 * 3"), "(1 + (2 * 3))");
  EXPECT_EQ(expr("1 * 2 + 3"), "((1 * 2) + 3)");
  EXPECT_EQ(expr("(1 + 2) * 3"), "((1 + 2) * 3)");
}

TEST_F(ParserTest, AdditiveAndMultiplicativeChainsAssociateLeft) {
  EXPECT_EQ(expr("1 - 2 - 3"), "((1 - 2) - 3)");
  EXPECT_EQ(expr("8 / 4 / 2"), "((8 / 4) / 2)");
  EXPECT_EQ(expr("a / b * c"), "((a / b) * c)");
}

TEST_F(ParserTest, PowerAssociatesRightAndBindsTighterThanUnaryMinus) {
  EXPECT_EQ(expr("2 ^ 3 ^ 2"), "(2 ^ (3 ^ 2))");
  EXPECT_EQ(expr("-2 ^ 2"), "(-(2 ^ 2))");
  EXPECT_EQ(expr("2 ^ -1"), "(2 ^ (-1))");
  EXPECT_EQ(expr("a * b ^ 2"), "(a * (b ^ 2))");
}

TEST_F(ParserTest, UnaryOperatorsNest) {
  EXPECT_EQ(expr("- - x"), "(-(-x))");
  EXPECT_EQ(expr("+x"), "(+x)");
  EXPECT_EQ(expr("x * -y"), "(x * (-y))");
}

TEST_F(ParserTest, ComparisonsBindLooserThanArithmetic) {
  EXPECT_EQ(expr("a < b + 1"), "(a < (b + 1))");
  EXPECT_EQ(expr("a * 2 >= b - c"), "((a * 2) >= (b - c))");
  EXPECT_EQ(expr("a == b"), "(a == b)");
  EXPECT_EQ(expr("a != b"), "(a != b)");
  EXPECT_EQ(expr("a <= b"), "(a <= b)");
  EXPECT_EQ(expr("a > b"), "(a > b)");
}

TEST_F(ParserTest, NotBindsTighterThanAndWhichBindsTighterThanOr) {
  EXPECT_EQ(expr("a < b and c >= d or not e == f"),
            "(((a < b) and (c >= d)) or (not (e == f)))");
  EXPECT_EQ(expr("a or b and c"), "(a or (b and c))");
  EXPECT_EQ(expr("not not a"), "(not (not a))");
  EXPECT_EQ(expr("a and b and c"), "((a and b) and c)");
}

TEST_F(ParserTest, UnitAfterANumberBelongsToIt) {
  EXPECT_EQ(expr("-60 mV"), "(-60 mV)");
  EXPECT_EQ(expr("2 m^2"), "2 m^2");
  EXPECT_EQ(expr("1 mV^-1"), "1 mV^-1");
  EXPECT_EQ(expr("10 mV/ms"), "(10 mV / ms)");
  EXPECT_EQ(expr("0.6 mS * 2"), "(0.6 mS * 2)");
  EXPECT_EQ(expr("2e-3 s"), "0.002 s");
}

TEST_F(ParserTest, KeywordsAfterANumberAreNotUnits) {
  EXPECT_EQ(printed("run 10 dt 1 seed 3\n"), "run 10 dt 1 seed 3\n");
  EXPECT_EQ(expr("1 and 2 or 3"), "((1 and 2) or 3)");
  ast::Module module =
      parse("neuron A {\n  dV/dt = 1 using rk2\n  reset hard to 0\n}\n"
            "project N -> N {\n  output C(E = 0) to I\n}\n");
  ASSERT_EQ(module.neurons.size(), 1u);
  EXPECT_EQ(module.neurons[0].odes[0].integrator.name, "rk2");
  ASSERT_EQ(module.projections.size(), 1u);
  EXPECT_EQ(module.projections[0].outputInput.name, "I");
  EXPECT_EQ(errors(), std::vector<std::string>{});
}

TEST_F(ParserTest, CallsTakePositionalAndNamedArguments) {
  EXPECT_EQ(expr("f()"), "f()");
  EXPECT_EQ(expr("exp(-t / tau)"), "exp(((-t) / tau))");
  EXPECT_EQ(expr("clip(x, lo = 0, hi = 1)"), "clip(x, lo = 0, hi = 1)");
  EXPECT_EQ(expr("max(a, b) * 2"), "(max(a, b) * 2)");
}

TEST_F(ParserTest, ExpressionsContinueAcrossLinesInsideParentheses) {
  EXPECT_EQ(expr("(1 +\n  2)"), "(1 + 2)");
  EXPECT_EQ(expr("f(1,\n  2)"), "f(1, 2)");
  EXPECT_EQ(expr("1 + \\\n  2"), "(1 + 2)");
}

TEST_F(ParserTest, NumbersPrintInShortestGeneralForm) {
  EXPECT_EQ(expr("0.1"), "0.1");
  EXPECT_EQ(expr("1e-9"), "1e-09");
  EXPECT_EQ(expr("4000"), "4000");
}

//===----------------------------------------------------------------------===//
// Errors and recovery
//===----------------------------------------------------------------------===//

TEST_F(ParserTest, IndependentSyntaxErrorsAreAllReportedInOneRun) {
  ast::Module module = parse(R"(neuron A {
  param x = 1 +
  state V : mV = 0 mV )
  bogus member
  dV/dt = 1 mV/ms
}
population P = A[3]
drive P.I 1 mA
run 10 ms
)");
  EXPECT_EQ(
      errors(),
      (std::vector<std::string>{
          "2:16: expected an expression, found end of line",
          "3:23: expected end of line after state, found ')'",
          "4:3: expected a neuron member (param, state, input, dX/dt, "
          "spike, reset, on_spike, refractory or integrator), found 'bogus'",
          "7:17: expected '(' after 'A', found '['",
          "8:11: expected '=', found '1'",
      }));
  // What parsed correctly is kept.
  ASSERT_EQ(module.neurons.size(), 1u);
  EXPECT_EQ(module.neurons[0].states.size(), 1u);
  EXPECT_EQ(module.neurons[0].odes.size(), 1u);
  EXPECT_EQ(module.runs.size(), 1u);
}

TEST_F(ParserTest, UnclosedBlockEndsAtTheNextTopLevelKeyword) {
  ast::Module module = parse("neuron A {\n  state V : mV\n"
                             "population P = A(3)\n");
  EXPECT_EQ(errors(),
            std::vector<std::string>{"3:1: expected '}' to close neuron"});
  ASSERT_EQ(diags.diagnostics().size(), 2u);
  EXPECT_EQ(diags.diagnostics()[1].severity, Severity::Note);
  EXPECT_EQ(diags.diagnostics()[1].message, "neuron opened here");
  EXPECT_EQ(module.neurons.size(), 1u);
  EXPECT_EQ(module.populations.size(), 1u);
}

TEST_F(ParserTest, ProjectionMembersNamedLikeDeclarationsDoNotEndItsBlock) {
  // `synapse` and `output` start top-level declarations too.
  ast::Module module = parse("project N -> N {\n  synapse S\n  output O\n}\n");
  EXPECT_EQ(errors(), std::vector<std::string>{});
  ASSERT_EQ(module.projections.size(), 1u);
  EXPECT_TRUE(module.projections[0].synapse.has_value());
  EXPECT_TRUE(module.projections[0].output.has_value());
}

TEST_F(ParserTest, UnmatchedClosingBraceIsReportedAndSkipped) {
  ast::Module module = parse("}\nneuron A {}\n");
  EXPECT_EQ(errors(), std::vector<std::string>{"1:1: unmatched '}'"});
  EXPECT_EQ(module.neurons.size(), 1u);
}

TEST_F(ParserTest, MissingEqualsInAParameterIsOneError) {
  parse("neuron A {\n  param V_rest -60 mV\n}\n");
  EXPECT_EQ(errors(), std::vector<std::string>{
                          "2:16: expected ':' or '=' after 'V_rest', "
                          "found '-'"});
}

TEST_F(ParserTest, VariableNeedsAUnitOrAValue) {
  parse("neuron A {\n  state V\n}\n");
  EXPECT_EQ(errors(), std::vector<std::string>{
                          "2:9: 'V' needs a unit (': mV') or a value "
                          "('= -60 mV')"});
}

TEST_F(ParserTest, DuplicateProjectionMembersAreReportedWithANote) {
  parse("project N -> N {\n  weight 1 mS\n  weight 2 mS\n"
        "  synapse S\n  synapse S\n}\n");
  EXPECT_EQ(errors(), (std::vector<std::string>{
                          "3:3: duplicate 'weight' in projection",
                          "5:3: duplicate 'synapse' in projection"}));
}

TEST_F(ParserTest, DuplicateRunOptionIsReported) {
  parse("run 10 ms dt 1 ms dt 2 ms\n");
  EXPECT_EQ(errors(), std::vector<std::string>{"1:19: duplicate 'dt' in run"});
}

TEST_F(ParserTest, UnitPowerMustBeASmallIntegerOrHalfInteger) {
  parse("neuron A {\n  param x : mV^0.25\n  param y = 1 mV^100\n"
        "  param z : (ms^0.5)^-0.5\n}\n");
  EXPECT_EQ(errors(),
            (std::vector<std::string>{
                "2:16: expected a small integer or half-integer power, found "
                "'0.25'",
                "3:18: expected a small integer or half-integer power, found "
                "'100'",
                "4:21: 'ms' would have the power 0.5 * -0.5, but a unit's "
                "power must be an integer or a half-integer"}));
}

TEST_F(ParserTest, BadCharacterIsReportedOnlyByTheLexer) {
  parse("neuron A {\n  param x = 1 $\n}\n");
  EXPECT_EQ(errors(),
            std::vector<std::string>{"2:15: unexpected character '$'"});
}

TEST_F(ParserTest, UnknownTopLevelWordIsReportedAndSkipped) {
  ast::Module module = parse("neurone A {\n  state V : mV\n}\nneuron B {}\n");
  ASSERT_EQ(errors().size(), 1u);
  EXPECT_EQ(errors()[0], "1:1: expected a declaration (neuron, synapse, "
                         "output, population, project, drive, run or "
                         "import), found 'neurone'");
  ASSERT_EQ(module.neurons.size(), 1u);
  EXPECT_EQ(module.neurons[0].name.name, "B");
}

TEST_F(ParserTest, LongTokensAreShortenedInMessages) {
  std::string name(100, 'x');
  parse(name + "\n");
  ASSERT_EQ(diags.diagnostics().size(), 1u);
  EXPECT_NE(
      diags.diagnostics()[0].message.find("'" + std::string(40, 'x') + "...'"),
      std::string::npos)
      << diags.diagnostics()[0].message;
}

TEST_F(ParserTest, EmptyInputGivesAnEmptyModule) {
  ast::Module module = parse("");
  EXPECT_TRUE(module.neurons.empty());
  EXPECT_TRUE(module.runs.empty());
  parse("\n\n# only comments\n\n");
  EXPECT_EQ(errors(), std::vector<std::string>{});
}

TEST_F(ParserTest, ErrorsPrintWithFileLineColumnSourceAndCaret) {
  parse("neuron A {\n  param x = 1 +\n}\n");
  EXPECT_EQ(output, "parse.snn:2:16: error: expected an expression, found end "
                    "of line\n"
                    "    param x = 1 +\n"
                    "                 ^\n");
}

} // namespace
