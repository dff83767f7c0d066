//===- BundleTest.cpp - Bundles written, read back, and refused -----------===//
#include "snnc/runtime/Bundle.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace snnc::rt;

namespace {

Bundle smallBundle() {
  Bundle b;
  b.model = "small.snn";
  b.builtBy = "snnc test";
  b.target = "cpu";
  b.cpu = "generic";
  b.features = "+sse2";
  b.layoutSignature = "sig";
  EngineLayout &l = b.layout;
  l.buffers = {{"N.V", BufferType::Real, 4},
               {"N.spike_list", BufferType::Int32, 4},
               {"N.spike_count", BufferType::Int32, 1},
               {"N.record_indices", BufferType::Int32, 8},
               {"N.record_counts", BufferType::Int32, 2},
               {"N.record_fill", BufferType::Int32, 1},
               {"p0.row_start", BufferType::Int32, 5},
               {"p0.targets", BufferType::Int32, 16},
               {"p0.weights", BufferType::Real, 16}};
  l.dtMs = 0.1;
  l.chunkSteps = 2;
  l.populations = {{"N", 4, 1, 2, 3, 4, 5, -1}};
  l.spikeRecords = {0};
  l.scans = {{0, 4, true, 0, "V"}};
  b.steps = 100;
  b.seed = 18446744073709551557ull; // beyond int64
  SpikeTrain train;
  train.population = "N";
  train.size = train.end = 4;
  b.spikeTrains = {train};
  Bundle::Projection projection;
  projection.recipe.rule = ProjectionRecipe::Rule::FixedProb;
  projection.recipe.numPre = projection.recipe.numPost = 4;
  projection.recipe.probability = 0.3;
  projection.recipe.seed = b.seed;
  projection.recipe.connectivityStream = (uint64_t(3) << 32) | 0;
  projection.recipe.perSynapseWeights = true;
  projection.recipe.weights = InitSpec::normal(0.5, 0.1);
  projection.recipe.weightStream = (uint64_t(4) << 32) | 0;
  projection.slots = {0, 0, 6, 7, 8};
  b.projections = {projection};
  BufferFill values;
  values.buffer = 0;
  values.values = {-60.0, -55.5, 0.1, 1e-300};
  BufferFill constant;
  constant.buffer = 8;
  constant.constant = true;
  constant.count = 3;
  constant.value = -1e7;
  b.fills = {values, constant};
  b.library = {'\x7f', 'E', 'L', 'F', '\0', '\n', '\x01'};
  return b;
}

class BundleTest : public ::testing::Test {
protected:
  std::string path = ::testing::TempDir() + "bundle_test_" +
                     std::to_string(getpid()) + ".snnb";
  void TearDown() override { std::remove(path.c_str()); }
  std::string contents() {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  void overwrite(const std::string &text) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  }
};

TEST_F(BundleTest, ReadsBackWhatItWrote) {
  Bundle written = smallBundle();
  ASSERT_TRUE(writeBundle(path, written).ok());
  Expected<Bundle> read = readBundle(path);
  ASSERT_TRUE(read.ok()) << read.message();
  Bundle b = read.take();
  EXPECT_EQ(b.model, "small.snn");
  EXPECT_EQ(b.features, "+sse2");
  EXPECT_EQ(b.seed, written.seed);
  EXPECT_EQ(b.steps, 100);
  ASSERT_EQ(b.layout.buffers.size(), 9u);
  EXPECT_EQ(b.layout.buffers[6].name, "p0.row_start");
  EXPECT_EQ(b.layout.buffers[6].type, BufferType::Int32);
  EXPECT_EQ(b.layout.populations[0].recordFill, 5);
  EXPECT_EQ(b.layout.populations[0].threadBounds, -1);
  EXPECT_TRUE(b.layout.scans[0].skipPlusInfinity);
  EXPECT_EQ(b.layout.dtMs, 0.1);
  ASSERT_EQ(b.projections.size(), 1u);
  const ProjectionRecipe &r = b.projections[0].recipe;
  EXPECT_EQ(r.rule, ProjectionRecipe::Rule::FixedProb);
  EXPECT_EQ(r.probability, 0.3);
  EXPECT_EQ(r.weights.kind, InitSpec::Kind::Normal);
  EXPECT_EQ(r.weights.second, 0.1);
  EXPECT_EQ(r.weightStream, written.projections[0].recipe.weightStream);
  EXPECT_EQ(b.projections[0].slots.weights, 8);
  ASSERT_EQ(b.fills.size(), 2u);
  // Values travel as float64 bits: exactly.
  EXPECT_EQ(b.fills[0].values, written.fills[0].values);
  EXPECT_TRUE(b.fills[1].constant);
  EXPECT_EQ(b.fills[1].value, -1e7);
  EXPECT_EQ(b.library, written.library);
  EXPECT_EQ(b.spikeTrains.at(0).population, "N");
}

TEST_F(BundleTest, RefusesWhatItCannotRead) {
  ASSERT_TRUE(writeBundle(path, smallBundle()).ok());
  std::string good = contents();

  overwrite(good.substr(0, good.size() - 10));
  Expected<Bundle> truncated = readBundle(path);
  ASSERT_FALSE(truncated.ok());
  EXPECT_NE(truncated.message().find("truncated or damaged"), std::string::npos)
      << truncated.message();

  std::string newer = good;
  newer.replace(0, 13, "snnc-bundle 9");
  overwrite(newer);
  Expected<Bundle> version = readBundle(path);
  ASSERT_FALSE(version.ok());
  EXPECT_NE(version.message().find("format version 9"), std::string::npos)
      << version.message();

  overwrite("not a bundle at all\n");
  EXPECT_FALSE(readBundle(path).ok());
  overwrite("snnc-bundle 1\n5\n{[}]}0\n0\n");
  Expected<Bundle> garbage = readBundle(path);
  ASSERT_FALSE(garbage.ok());
  EXPECT_NE(garbage.message().find("not JSON"), std::string::npos)
      << garbage.message();

  // A manifest whose fill names a buffer that is not there.
  Bundle inconsistent = smallBundle();
  inconsistent.fills[1].buffer = 42;
  ASSERT_TRUE(writeBundle(path, inconsistent).ok());
  Expected<Bundle> bad = readBundle(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("a fill of a buffer that is not there"),
            std::string::npos)
      << bad.message();

  // A field of the wrong type.
  std::string manifest = manifestText(smallBundle());
  std::string::size_type at = manifest.find("\"steps\": 100");
  ASSERT_NE(at, std::string::npos);
  manifest.replace(at, 12, "\"steps\": \"many\"");
  overwrite("snnc-bundle 1\n" + std::to_string(manifest.size()) + "\n" +
            manifest + "0\n0\n");
  Expected<Bundle> typed = readBundle(path);
  ASSERT_FALSE(typed.ok());
  EXPECT_NE(typed.message().find("'steps' is not an integer"),
            std::string::npos)
      << typed.message();
}

TEST(BundleFeatures, ThisCpuHasWhatItReports) {
  EXPECT_TRUE(missingCpuFeatures("").empty());
  EXPECT_TRUE(missingCpuFeatures("+sse2,+cx16").empty()); // not checked
#if defined(__x86_64__)
  bool avx512 = __builtin_cpu_supports("avx512f") != 0;
  EXPECT_EQ(missingCpuFeatures("+cx16,+avx512f"),
            avx512 ? std::vector<std::string>{}
                   : std::vector<std::string>{"avx512f"});
#endif
}

} // namespace
