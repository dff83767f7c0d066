//===- TargetTest.cpp - The target registry and what a target owns -------===//
//
// The CPU target makes and loads code through the Target interface alone
// (the way Simulation uses it); the NVPTX target is registered and refuses
// every step with the same message, and Simulation reports an unknown or
// unavailable target before doing any work.
//
//===----------------------------------------------------------------------===//
#include "snnc/compiler/Target.h"

#include "snnc/Simulation.h"
#include "snnc/compiler/Pipeline.h"
#include "snnc/compiler/ProgramBuilder.h"
#include "snnc/dsl/Frontend.h"

#include "mlir/IR/MLIRContext.h"

#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

using namespace snnc;

namespace {

constexpr const char *oneNeuron = R"(
neuron LIF {
  param V_rest = -60 mV
  param V_th   = -50 mV
  param tau    = 20 ms
  state V : mV = V_rest
  input I : mV
  dV/dt = (-(V - V_rest) + I) / tau
  spike V >= V_th
  reset hard to V_rest
}
population N = LIF(1)
drive N.I = 20 mV
run 100 ms { record N.spike }
)";

struct Harness {
  Harness() : stream(log), diags(sources, &stream) {}
  std::unique_ptr<Simulation> create(SimulationOptions options) {
    std::optional<model::Model> model =
        loadModelFromString(oneNeuron, "test.snn", diags);
    if (!model)
      return nullptr;
    options.showProgress = false;
    return Simulation::create(*model, options, diags);
  }
  llvm::SourceMgr sources;
  std::string log;
  llvm::raw_string_ostream stream;
  DiagnosticEngine diags;
};

TEST(TargetTest, TheRegistryListsEachTargetOnceByItsName) {
  ASSERT_EQ(targetNames().size(), 2u);
  EXPECT_EQ(targetNames()[0], "cpu");
  EXPECT_EQ(targetNames()[1], "nvptx");
  EXPECT_EQ(targetList(), "cpu or nvptx");
  for (llvm::StringRef name : targetNames()) {
    std::unique_ptr<Target> target = createTarget(name);
    ASSERT_TRUE(target) << name.str();
    EXPECT_EQ(target->name(), name);
    EXPECT_FALSE(target->description().empty()) << name.str();
  }
  EXPECT_EQ(createTarget("tpu"), nullptr);
  EXPECT_EQ(createTarget(""), nullptr);
}

TEST(TargetTest, TheCpuTargetCompilesLoadsAndPrintsThroughTheInterface) {
  Harness h;
  SimulationOptions options;
  options.compile = false; // the layout only: the test drives the target
  std::unique_ptr<Simulation> planned = h.create(options);
  ASSERT_TRUE(planned) << h.log;
  std::unique_ptr<Target> cpu = createTarget("cpu");
  ASSERT_TRUE(cpu);
  EXPECT_EQ(cpu->unavailable(), "");

  mlir::MLIRContext context;
  mlir::OwningOpRef<mlir::ModuleOp> module =
      buildProgram(context, planned->model(), planned->layout(), h.diags);
  ASSERT_TRUE(module) << h.log;
  ASSERT_TRUE(mlir::succeeded(runPipelineReporting(*module, Stage::LLVM, *cpu,
                                                   planned->layout(), h.diags)))
      << h.log;
  std::string ir;
  llvm::raw_string_ostream irStream(ir);
  ASSERT_FALSE(bool(cpu->print(*module, TargetCode::LLVMIR, irStream)));
  EXPECT_NE(ir.find("define void @snn_run("), std::string::npos);

  size_t numBuffers = planned->layout().buffers.size();
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> code =
      cpu->compile(*module, numBuffers);
  ASSERT_TRUE(bool(code)) << llvm::toString(code.takeError());
  EXPECT_GT((*code)->getBufferSize(), 0u);
  llvm::Expected<std::unique_ptr<rt::Program>> program =
      cpu->load(std::move(*code), numBuffers);
  ASSERT_TRUE(bool(program)) << llvm::toString(program.takeError());
  EXPECT_TRUE(*program);

  // A layout of another size is refused, not run on the wrong buffers.
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> wrong =
      cpu->compile(*module, numBuffers + 1);
  ASSERT_FALSE(bool(wrong));
  EXPECT_NE(llvm::toString(wrong.takeError()).find("buffers of its layout"),
            std::string::npos);
}

TEST(TargetTest, TheNvptxTargetRefusesEveryStepWithOneClearMessage) {
  std::unique_ptr<Target> nvptx = createTarget("nvptx");
  ASSERT_TRUE(nvptx);
  const std::string why = nvptx->unavailable();
  EXPECT_EQ(why,
            "the nvptx target cannot compile programs yet; use --target cpu");
  mlir::MLIRContext context;
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::ModuleOp::create(mlir::UnknownLoc::get(&context));
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> code =
      nvptx->compile(*module, 1);
  ASSERT_FALSE(bool(code));
  EXPECT_EQ(llvm::toString(code.takeError()), why);
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::Error printed = nvptx->print(*module, TargetCode::Assembly, os);
  ASSERT_TRUE(bool(printed));
  EXPECT_EQ(llvm::toString(std::move(printed)), why);
  EXPECT_EQ(text, "");
}

TEST(TargetTest, SimulationRunsOnTheNamedTargetOrSaysWhyNot) {
  {
    Harness h;
    SimulationOptions options;
    options.target = "cpu";
    std::unique_ptr<Simulation> sim = h.create(options);
    ASSERT_TRUE(sim) << h.log;
    ASSERT_TRUE(sim->run(sim->totalSteps()));
    // One LIF neuron, 20 mV drive: T = 20 ms * ln 2, 7 spikes in 100 ms.
    EXPECT_EQ(sim->spikes().at(0).steps.size(), 7u);
  }
  {
    Harness h;
    SimulationOptions options;
    options.target = "nvptx";
    EXPECT_EQ(h.create(options), nullptr);
    EXPECT_NE(h.log.find("the nvptx target cannot compile programs yet"),
              std::string::npos)
        << h.log;
  }
  {
    Harness h;
    SimulationOptions options;
    options.target = "tpu";
    EXPECT_EQ(h.create(options), nullptr);
    EXPECT_NE(h.log.find("unknown target 'tpu'; expected cpu or nvptx"),
              std::string::npos)
        << h.log;
  }
}

} // namespace
