//===- RobustnessTest.cpp - Hostile input must not crash the front end ----===//
//
// Feeds the whole front end (lexer, parser, import resolution, semantic
// analysis, diagnostic printing) input no model file should contain: binary
// bytes, a 10 MB line, 10 000 nested parentheses, endless operator chains,
// thousands of errors, and a few thousand random or mutated files from a
// fixed-seed generator. The front end must return with errors reported and
// short diagnostics printed; it must never crash, hang or recurse without
// bound. Sizes are chosen so that the whole file runs in well under a
// second in a Release build.
//
//===----------------------------------------------------------------------===//

#include "snnc/dsl/Frontend.h"

#include "CobaModel.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

#include "gtest/gtest.h"

#include <climits>
#include <random>
#include <string>
#include <vector>

using namespace snnc;

namespace {

/// What one run of the front end left behind. A model comes back exactly
/// when no error was reported; every random test checks that.
struct Outcome {
  bool loaded = false; ///< A typed model came back.
  unsigned errors = 0; ///< Errors counted (printed or not).
  unsigned printedErrors = 0;
  std::string printed; ///< Everything the engine printed.
};

Outcome runFrontend(llvm::StringRef text) {
  Outcome outcome;
  llvm::SourceMgr sourceMgr;
  llvm::raw_string_ostream out(outcome.printed);
  DiagnosticEngine diags(sourceMgr, &out);
  outcome.loaded = loadModelFromString(text, "hostile.snn", diags).has_value();
  diags.printSummary();
  outcome.errors = diags.errorCount();
  for (const Diagnostic &diag : diags.diagnostics())
    outcome.printedErrors += diag.severity == Severity::Error;
  return outcome;
}

std::string repeat(llvm::StringRef piece, size_t times) {
  std::string result;
  result.reserve(piece.size() * times);
  for (size_t i = 0; i < times; ++i)
    result += piece;
  return result;
}

/// The longest line printed; diagnostics clip long source lines.
size_t longestLine(llvm::StringRef text) {
  size_t longest = 0;
  while (!text.empty()) {
    auto [line, rest] = text.split('\n');
    longest = std::max(longest, line.size());
    text = rest;
  }
  return longest;
}

const std::string seedModel = std::string(snnc::testing::kCobaDefinitions) +
                              R"(
population N = LIFRef(4000) {
  V ~ normal(-55 mV, 2 mV)
}
project N[0:3200] -> N {
  synapse Expon(tau = 5 ms)
  output  COBA(E = 0 mV)
  connect fixed_per_pre(80)
  weight  0.6 mS
}
project N[3200:4000] -> N {
  synapse Expon(tau = 10 ms)
  output  COBA(E = -80 mV)
  connect fixed_per_pre(80)
  weight  6.7 mS
}
drive N.I = 20 mA
run 1000 ms dt 0.1 ms seed 42 {
  record N.spike
}
)";

//===----------------------------------------------------------------------===//
// Degenerate files
//===----------------------------------------------------------------------===//

TEST(RobustnessTest, EmptyFileIsAValidEmptyModel) {
  Outcome outcome = runFrontend("");
  EXPECT_TRUE(outcome.loaded);
  EXPECT_EQ(outcome.errors, 0u);
  EXPECT_EQ(outcome.printed, "");
}

TEST(RobustnessTest, FileOfOnlyCommentsAndBlankLinesIsAValidEmptyModel) {
  Outcome outcome = runFrontend("# one\n\n   # two\n\t\n# no newline at end");
  EXPECT_TRUE(outcome.loaded);
  EXPECT_EQ(outcome.errors, 0u);
}

TEST(RobustnessTest, SeedModelWithWindowsLineEndingsLoads) {
  std::string crlf;
  for (char c : seedModel) {
    if (c == '\n')
      crlf += '\r';
    crlf += c;
  }
  Outcome outcome = runFrontend(crlf);
  EXPECT_TRUE(outcome.loaded) << outcome.printed;
}

TEST(RobustnessTest, UnterminatedConstructsAtEndOfFileAreReported) {
  for (const char *text :
       {"neuron A {", "neuron A {\n  param x = (1 +", "import \"never.snn",
        "run 10 ms {\n  record", "neuron A {\n  param x = 1 \\",
        "population P = A(", "project N[0:", "neuron"}) {
    Outcome outcome = runFrontend(text);
    EXPECT_FALSE(outcome.loaded) << text;
    EXPECT_GE(outcome.errors, 1u) << text;
  }
}

TEST(RobustnessTest, EveryByteValueIsReportedOrAcceptedWithoutCrashing) {
  std::string bytes;
  for (int c = 0; c < 256; ++c)
    bytes += static_cast<char>(c);
  Outcome outcome = runFrontend(bytes + "\n" + bytes);
  EXPECT_FALSE(outcome.loaded);
  EXPECT_GE(outcome.errors, 1u);
  // Unprintable bytes are shown as '?' in snippets, never raw.
  for (char c : outcome.printed)
    EXPECT_TRUE(c == '\n' || static_cast<unsigned char>(c) >= 0x20)
        << "raw control byte " << int(c) << " printed";
}

TEST(RobustnessTest, NulBytesInsideAModelAreReported) {
  std::string text = "neuron A {\n  param x = 1";
  text += '\0';
  text += " mV\n}\n";
  Outcome outcome = runFrontend(text);
  EXPECT_FALSE(outcome.loaded);
  EXPECT_NE(outcome.printed.find("unexpected character byte 0x0"),
            std::string::npos)
      << outcome.printed;
}

TEST(RobustnessTest, ImportOfADirectoryOrEmptyPathIsAnError) {
  Outcome outcome = runFrontend("import \".\"\nimport \"\"\n");
  EXPECT_FALSE(outcome.loaded);
  EXPECT_GE(outcome.errors, 1u);
}

//===----------------------------------------------------------------------===//
// Size and depth
//===----------------------------------------------------------------------===//

TEST(RobustnessTest, TenMegabyteLineIsCheckedAndClippedInMessages) {
  // About 10 MB of `+ 1`; the chain is rejected as too deep, once.
  std::string text =
      "neuron A {\n  param x = 1" + repeat(" + 1", 2'500'000) + "\n}\n";
  ASSERT_GE(text.size(), 10'000'000u);
  Outcome outcome = runFrontend(text);
  EXPECT_FALSE(outcome.loaded);
  EXPECT_EQ(outcome.errors, 1u) << outcome.printed.substr(0, 500);
  EXPECT_NE(outcome.printed.find("expression is nested too deeply"),
            std::string::npos);
  EXPECT_LT(longestLine(outcome.printed), 200u);
}

TEST(RobustnessTest, TenMegabyteIdentifierCommentAndStringAreHandled) {
  std::string big(10'000'000, 'x');
  EXPECT_EQ(runFrontend("# " + big + "\n").errors, 0u);
  Outcome name = runFrontend(big + "\n");
  EXPECT_EQ(name.errors, 1u);
  EXPECT_LT(longestLine(name.printed), 300u);
  Outcome string = runFrontend("import \"" + big + "\n");
  EXPECT_EQ(string.errors, 1u);
  EXPECT_LT(longestLine(string.printed), 300u);
}

TEST(RobustnessTest, TenThousandNestedParenthesesAreRejectedOnce) {
  std::string text = "neuron A {\n  param x = " + repeat("(", 10'000) + "1" +
                     repeat(")", 10'000) + "\n  param y = 2\n}\n";
  Outcome outcome = runFrontend(text);
  EXPECT_FALSE(outcome.loaded);
  EXPECT_EQ(outcome.errors, 1u) << outcome.printed.substr(0, 500);
  EXPECT_NE(outcome.printed.find("expression is nested too deeply"),
            std::string::npos);
}

TEST(RobustnessTest, TenThousandUnclosedParenthesesAreRejected) {
  Outcome outcome =
      runFrontend("neuron A {\n  param x = " + repeat("(", 10'000) + "\n");
  EXPECT_FALSE(outcome.loaded);
  EXPECT_GE(outcome.errors, 1u);
}

TEST(RobustnessTest, DeeplyNestedUnitParenthesesAreRejected) {
  std::string text = "neuron A {\n  param x : " + repeat("(", 10'000) + "mV" +
                     repeat(")", 10'000) + "\n}\n";
  Outcome outcome = runFrontend(text);
  EXPECT_FALSE(outcome.loaded);
  EXPECT_EQ(outcome.errors, 1u) << outcome.printed.substr(0, 500);
}

TEST(RobustnessTest, ModeratelyNestedUnitParenthesesAreFine) {
  std::string text = "neuron A {\n  param x : " + repeat("(", 20) + "mV/ms" +
                     repeat(")", 20) + " = 1 mV/ms\n}\n";
  Outcome outcome = runFrontend(text);
  EXPECT_TRUE(outcome.loaded) << outcome.printed;
}

TEST(RobustnessTest, NestedUnitPowersSaturateInsteadOfOverflowing) {
  std::string text = "neuron A {\n  param x : " + repeat("(", 12) + "mV" +
                     repeat(")^64", 12) + "\n  param y : " + repeat("(", 11) +
                     "mV" + repeat(")^-64", 11) + "\n}\n";
  llvm::SourceMgr sourceMgr;
  std::string printed;
  llvm::raw_string_ostream out(printed);
  DiagnosticEngine diags(sourceMgr, &out);
  std::optional<model::Model> model =
      loadModelFromString(text, "powers.snn", diags);
  ASSERT_TRUE(model.has_value()) << printed;
  // mV^(64^12) and mV^((-64)^11): exponents saturate at the range of int.
  const Unit &x = model->neurons[0].params[0].unit;
  const Unit &y = model->neurons[0].params[1].unit;
  EXPECT_EQ(x.dimension().exponent(BaseQuantity::Mass), INT_MAX);
  EXPECT_EQ(y.dimension().exponent(BaseQuantity::Mass), INT_MIN);
  EXPECT_FALSE(x.str().empty());
}

TEST(RobustnessTest, LongOperatorChainsAreBoundedLikeNesting) {
  // Later stages recurse over the tree, so a left-deep chain counts as
  // deep as it is long.
  for (const char *op : {" + 1", " * 1", " - 1", " / 1"}) {
    Outcome outcome = runFrontend("neuron A {\n  param x = 1" +
                                  repeat(op, 100'000) + "\n}\n");
    EXPECT_FALSE(outcome.loaded) << op;
    EXPECT_EQ(outcome.errors, 1u) << op;
  }
  Outcome logic = runFrontend("neuron A {\n  state V : mV\n  spike V > 0 mV" +
                              repeat(" and V > 0 mV", 100'000) + "\n}\n");
  EXPECT_EQ(logic.errors, 1u);
}

TEST(RobustnessTest, ShortOperatorChainsAreFolded) {
  Outcome outcome =
      runFrontend("neuron A {\n  param x = 1" + repeat(" + 1", 100) + "\n}\n");
  EXPECT_TRUE(outcome.loaded) << outcome.printed;
}

TEST(RobustnessTest, DeepUnaryOperatorsAndPowerTowersAreRejected) {
  for (const char *piece : {"-", "+", "not ", "2^"}) {
    Outcome outcome = runFrontend(
        "neuron A {\n  param x = " + repeat(piece, 10'000) + "1\n}\n");
    EXPECT_FALSE(outcome.loaded) << piece;
    EXPECT_EQ(outcome.errors, 1u) << piece;
  }
}

TEST(RobustnessTest, DeeplyNestedCallsAreRejected) {
  Outcome outcome =
      runFrontend("neuron A {\n  param x = " + repeat("exp(", 5'000) + "1" +
                  repeat(")", 5'000) + "\n}\n");
  EXPECT_FALSE(outcome.loaded);
  EXPECT_EQ(outcome.errors, 1u);
}

TEST(RobustnessTest, ThousandsOfErrorsPrintOnlyTheFirstFifty) {
  Outcome outcome = runFrontend(repeat("$\n", 10'000));
  EXPECT_EQ(outcome.errors, 10'000u);
  EXPECT_EQ(outcome.printedErrors, DiagnosticEngine::maxErrors);
  EXPECT_NE(outcome.printed.find("10000 errors generated (only the first 50 "
                                 "shown)."),
            std::string::npos);
}

TEST(RobustnessTest, HugeNumbersAreReportedNotPropagatedAsInfinity) {
  Outcome literal = runFrontend("neuron A {\n  param y = 1e999\n}\n");
  EXPECT_FALSE(literal.loaded);
  EXPECT_NE(literal.printed.find("number is too large"), std::string::npos);
  Outcome product = runFrontend("neuron A {\n  param x = 1e308 * 10\n}\n");
  EXPECT_FALSE(product.loaded);
  EXPECT_NE(product.printed.find("the value of 'x' is not a finite number"),
            std::string::npos)
      << product.printed;
}

TEST(RobustnessTest, HugeSizesSlicesAndRunsAreRejected) {
  const std::string neuron = "neuron A {\n  state V : mV\n  input I : mA\n}\n";
  for (const char *text :
       {"population P = A(3000000000)\n", "population P = A(1e300)\n",
        "population P = A(10)\ndrive P[0:99999999999].I = 1 mA\n",
        "run 1e20 ms dt 1e-20 ms\n", "run 1 ms seed 1e300\n",
        "run 1 ms dt 0 ms\n"}) {
    Outcome outcome = runFrontend(neuron + text);
    EXPECT_FALSE(outcome.loaded) << text;
    EXPECT_EQ(outcome.errors, 1u) << outcome.printed;
  }
}

//===----------------------------------------------------------------------===//
// Random input from a fixed seed
//===----------------------------------------------------------------------===//

TEST(RobustnessTest, RandomByteStringsNeverCrash) {
  std::mt19937 rng(20240611);
  std::uniform_int_distribution<int> length(0, 300), byte(0, 255);
  int rejected = 0;
  for (int i = 0; i < 2000; ++i) {
    std::string text(length(rng), '\0');
    for (char &c : text)
      c = static_cast<char>(byte(rng));
    Outcome outcome = runFrontend(text);
    ASSERT_EQ(outcome.loaded, outcome.errors == 0) << outcome.printed;
    rejected += !outcome.loaded;
  }
  // Nearly every random string has a byte no token starts with.
  EXPECT_GT(rejected, 1900);
}

TEST(RobustnessTest, RandomTokenSoupNeverCrashes) {
  // Tokens of the language, so that random files reach deep into the
  // parser and semantic analysis instead of stopping at the first byte.
  const std::vector<std::string> vocabulary = {"neuron",
                                               "synapse",
                                               "output",
                                               "population",
                                               "project",
                                               "drive",
                                               "run",
                                               "import",
                                               "param",
                                               "state",
                                               "input",
                                               "spike",
                                               "reset",
                                               "soft",
                                               "hard",
                                               "to",
                                               "refractory",
                                               "integrator",
                                               "using",
                                               "on_pre",
                                               "current",
                                               "connect",
                                               "weight",
                                               "record",
                                               "dt",
                                               "seed",
                                               "and",
                                               "or",
                                               "not",
                                               "V",
                                               "g",
                                               "w",
                                               "t",
                                               "i",
                                               "I",
                                               "E",
                                               "tau",
                                               "N",
                                               "LIF",
                                               "Expon",
                                               "COBA",
                                               "x",
                                               "spike",
                                               "0",
                                               "1",
                                               "2.5",
                                               "1e-3",
                                               "4000",
                                               "1e999",
                                               "-1",
                                               "mV",
                                               "ms",
                                               "mS",
                                               "mA",
                                               "ohm",
                                               "uA",
                                               "Hz",
                                               "exp",
                                               "sqrt",
                                               "normal",
                                               "uniform",
                                               "fixed_per_pre",
                                               "fixed_prob",
                                               "all_to_all",
                                               "one_to_one",
                                               "clip",
                                               "min",
                                               "rk4",
                                               "euler",
                                               "dV",
                                               "dg",
                                               "/",
                                               "\"fuzz_missing.snn\"",
                                               "{",
                                               "}",
                                               "(",
                                               ")",
                                               "[",
                                               "]",
                                               ",",
                                               ":",
                                               ".",
                                               "=",
                                               "+=",
                                               "-=",
                                               "*=",
                                               "/=",
                                               "+",
                                               "-",
                                               "*",
                                               "^",
                                               "~",
                                               "->",
                                               "<",
                                               "<=",
                                               ">",
                                               ">=",
                                               "==",
                                               "!=",
                                               "\n",
                                               "\n",
                                               "\n",
                                               "\n",
                                               "#",
                                               "\\\n",
                                               "$"};
  std::mt19937 rng(7);
  std::uniform_int_distribution<size_t> length(0, 120),
      pick(0, vocabulary.size() - 1);
  int rejected = 0;
  for (int i = 0; i < 2000; ++i) {
    std::string text;
    for (size_t n = length(rng); n > 0; --n)
      text += vocabulary[pick(rng)] + " ";
    Outcome outcome = runFrontend(text);
    ASSERT_EQ(outcome.loaded, outcome.errors == 0) << outcome.printed;
    ASSERT_LE(outcome.printedErrors, DiagnosticEngine::maxErrors);
    rejected += !outcome.loaded;
  }
  EXPECT_GT(rejected, 1000);
}

TEST(RobustnessTest, RandomlyMutatedSeedModelsNeverCrash) {
  // Small edits keep most of the model valid, which exercises semantic
  // analysis of nearly-right models: the common case for a user.
  const std::string seed = seedModel;
  const std::vector<std::string> inserts = {
      "(", ")", "{", "}",       "\n", "mV", "ms",  " + ", " * ",
      "[", "]", ":", "^2",      "~",  "=",  "1e9", "V",   "g",
      "w", "i", "t", "normal(", "#",  "\"", "0"};
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> edits(1, 4), kind(0, 2);
  std::uniform_int_distribution<size_t> span(1, 12),
      pick(0, inserts.size() - 1);
  int loaded = 0;
  for (int i = 0; i < 1000; ++i) {
    std::string text = seed;
    for (int e = edits(rng); e > 0; --e) {
      size_t at = std::uniform_int_distribution<size_t>(0, text.size())(rng);
      size_t len = std::min(span(rng), text.size() - at);
      switch (kind(rng)) {
      case 0:
        text.erase(at, len);
        break;
      case 1:
        text.insert(at, text.substr(at, len));
        break;
      default:
        text.insert(at, inserts[pick(rng)]);
        break;
      }
    }
    Outcome outcome = runFrontend(text);
    ASSERT_EQ(outcome.loaded, outcome.errors == 0) << outcome.printed;
    loaded += outcome.loaded;
  }
  // Some edits are harmless (inside comments, doubled whitespace) and
  // most are not; both kinds must have been exercised.
  EXPECT_GT(loaded, 0);
  EXPECT_LT(loaded, 1000);
}

} // namespace
