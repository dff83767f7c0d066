//===- LibraryTest.cpp - The compiler as a shared library -----------------===//
//
// This program links libsnnc.so, as a user's program does: the compile
// cache must name the library, not this executable, as the compiler build
// (a user's program changes without the compiler changing, and the other
// way round), and a program compiled through the library must be found
// in the cache again.
//
//===----------------------------------------------------------------------===//
#include "snnc/Simulation.h"
#include "snnc/compiler/CompileCache.h"
#include "snnc/dsl/Frontend.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

using namespace snnc;

namespace {

TEST(LibraryTest, TheCompilerBuildIsTheSharedLibrary) {
  std::string file = compilerBuildFile();
  bool same = false;
  ASSERT_FALSE(llvm::sys::fs::equivalent(file, SNNC_LIBRARY_FILE, same))
      << file;
  EXPECT_TRUE(same) << file << " is not " << SNNC_LIBRARY_FILE;
  EXPECT_TRUE(llvm::sys::path::is_absolute(file)) << file;
}

TEST(LibraryTest, AProgramCompiledThroughTheLibraryIsCached) {
  llvm::SmallString<128> cache;
  ASSERT_FALSE(
      llvm::sys::fs::createUniqueDirectory("snnc-library-test", cache));
  std::string model = R"(
neuron LIF {
  param tau = 10 ms
  param V_th = 10 mV
  state V : mV = 0 mV
  input I : mV
  dV/dt = (-V + I) / tau
  spike V >= V_th
  reset hard to 0 mV
}
population P = LIF(3)
drive P.I = 20 mV
run 50 ms {
  record P.spike
}
)";
  std::vector<size_t> spikes;
  std::vector<bool> hits;
  for (int run = 0; run < 2; ++run) {
    llvm::SourceMgr sources;
    std::string log;
    llvm::raw_string_ostream stream(log);
    DiagnosticEngine diags(sources, &stream);
    std::optional<model::Model> loaded =
        loadModelFromString(model, "cached.snn", diags);
    ASSERT_TRUE(loaded) << log;
    SimulationOptions options;
    options.showProgress = false;
    options.cacheDirectory = std::string(cache);
    std::unique_ptr<Simulation> sim =
        Simulation::create(*loaded, options, diags);
    ASSERT_TRUE(sim) << log;
    ASSERT_TRUE(sim->run(sim->totalSteps()));
    spikes.push_back(sim->spikes().front().steps.size());
    hits.push_back(sim->compileTimes().cacheHit);
  }
  llvm::sys::fs::remove_directories(cache);
  EXPECT_FALSE(hits[0]);
  EXPECT_TRUE(hits[1]);
  EXPECT_EQ(spikes[0], spikes[1]);
  EXPECT_GT(spikes[0], 0u);
}

} // namespace
