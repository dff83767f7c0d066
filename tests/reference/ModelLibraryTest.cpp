//===- ModelLibraryTest.cpp - The models of `import snnc.NAME` ------------===//
//
// Every model of models/ loads by name, and runs on both engines bit for
// bit: each neuron driven into firing, each synapse and output in a small
// recurrent network of library LIF neurons.
//
//===----------------------------------------------------------------------===//
#include "Differential.h"

#include "snnc/dsl/Frontend.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

using namespace snnc;
using namespace snnc::testing;

namespace {

struct NeuronCase {
  const char *name, *drive;
};
const NeuronCase neuronCases[] = {
    {"LIF", "2 nA"},  {"LIFRef", "2 nA"},      {"ExpIF", "1 nA"},
    {"AdEx", "1 nA"}, {"Izhikevich", "10 mV"}, {"QIF", "2 nA"},
    {"HH", "1 nA"},
};

TEST(ModelLibraryTest, EveryNeuronFiresIdenticallyOnBothEngines) {
  for (const NeuronCase &c : neuronCases) {
    SCOPED_TRACE(c.name);
    std::string model =
        std::string("import snnc.") + c.name + "\npopulation P = " + c.name +
        "(4)\ndrive P.I = " + c.drive + "\nrun 100 ms dt 0.05 ms seed 1\n";
    Harness harness;
    std::optional<BothRuns> runs = harness.run(model, {});
    ASSERT_TRUE(runs) << harness.log;
    EXPECT_GT(countSpikes(*runs->compiled), 4);
    EXPECT_EQ(compareExactly(*runs), "");
  }
}

struct SynapseCase {
  const char *synapse, *output, *weight;
};
const SynapseCase synapseCases[] = {
    {"Expon", "COBA", "5 nS"},          {"Alpha", "COBA", "5 nS"},
    {"DualExpon", "COBA", "5 nS"},      {"NMDA", "NMDAOutput", "2 nS"},
    {"CurrentExpon", "CUBA", "0.2 nA"}, {"Delta", "", "1 mV"},
};

TEST(ModelLibraryTest, EverySynapseAndOutputRunIdenticallyOnBothEngines) {
  for (const SynapseCase &c : synapseCases) {
    SCOPED_TRACE(c.synapse);
    std::string model =
        std::string("import snnc.LIF\nimport snnc.") + c.synapse + "\n" +
        (*c.output ? std::string("import snnc.") + c.output + "\n" : "") +
        "population P = LIF(200) {\n  V ~ uniform(-65 mV, "
        "-50 mV)\n}\nproject P -> P {\n  synapse " +
        c.synapse + "\n" +
        (*c.output ? std::string("  output ") + c.output + "\n" : "") +
        "  connect fixed_prob(0.1)\n  weight " + c.weight +
        "\n}\ndrive P.I = 1.6 nA\nrun 100 ms seed 2\n";
    Harness with, without;
    std::optional<BothRuns> runs = with.run(model, {});
    ASSERT_TRUE(runs) << with.log;
    EXPECT_EQ(compareExactly(*runs), "");
    // The synapse does something: without the projection, other spikes.
    std::string alone = model.substr(0, model.find("project")) +
                        "drive P.I = 1.6 nA\nrun 100 ms seed 2\n";
    std::optional<BothRuns> base = without.run(alone, {});
    ASSERT_TRUE(base) << without.log;
    EXPECT_NE(countSpikes(*runs->compiled), countSpikes(*base->compiled));
  }
}

TEST(ModelLibraryTest, TheLibraryListsWhatItHas) {
  std::vector<std::string> names = libraryModelNames();
  std::set<std::string> have(names.begin(), names.end());
  for (const NeuronCase &c : neuronCases)
    EXPECT_TRUE(have.count(c.name)) << c.name;
  for (const SynapseCase &c : synapseCases) {
    EXPECT_TRUE(have.count(c.synapse)) << c.synapse;
    if (*c.output) {
      EXPECT_TRUE(have.count(c.output)) << c.output;
    }
  }
  // Every file is tested above.
  EXPECT_EQ(names.size(), std::size(neuronCases) + std::size(synapseCases) +
                              3); // COBA, CUBA, NMDAOutput
  Harness harness;
  EXPECT_FALSE(harness.load("import snnc.Adex\n"));
  EXPECT_NE(harness.log.find("snnc's model library has no model 'Adex'; it "
                             "has AdEx, Alpha"),
            std::string::npos)
      << harness.log;
}

} // namespace
