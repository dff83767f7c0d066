//===- Jit.cpp - Native code for the host CPU -----------------------------===//
//
// Three things make the JIT reach g++ -O3 -march=native speed here: the IR
// optimiser gets the host TargetMachine (without it the loop vectoriser
// finds vectorising "not beneficial"), the codegen level is set on the
// target machine that is passed in, and on AVX-512 hosts functions ask for
// 512-bit vectors (LLVM's default is 256).
//
// The object is made in memory (ORC's SimpleCompiler on the optimised
// module) and linked by an LLJIT without event listeners, so nothing is
// written anywhere (MLIR's ExecutionEngine, used before, registered a perf
// listener that left a dump under ~/.debug/jit on every compile). The
// compile cache stores exactly these bytes.
//
//===----------------------------------------------------------------------===//

#include "Jit.h"

#include "snnc/runtime/ThreadTeam.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/ExecutionEngine/Orc/CompileUtils.h"
#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/ExecutionEngine/Orc/Mangling.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"

#include <mutex>

using namespace snnc;

namespace {

/// Runtime functions compiled programs call: they live in this binary,
/// which does not export its symbols, so the JIT is told where they are.
llvm::orc::SymbolMap runtimeSymbols(llvm::orc::MangleAndInterner interner) {
  llvm::orc::SymbolMap symbols;
  symbols[interner("snnc_barrier_wait")] = {
      llvm::orc::ExecutorAddr::fromPtr(&snnc_barrier_wait),
      llvm::JITSymbolFlags::Exported};
  return symbols;
}

void initializeNativeTarget() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
}

std::string hostFeatures() {
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  std::string joined;
  std::vector<std::string> enabled;
  for (const auto &feature : features)
    if (feature.second)
      enabled.push_back("+" + feature.first().str());
  std::sort(enabled.begin(), enabled.end());
  for (const std::string &feature : enabled)
    joined += (joined.empty() ? "" : ",") + feature;
  return joined;
}

llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
hostTargetMachine(bool positionIndependent = false) {
  initializeNativeTarget();
  llvm::Expected<llvm::orc::JITTargetMachineBuilder> builder =
      llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!builder)
    return builder.takeError();
  builder->setCodeGenOptLevel(llvm::CodeGenOptLevel::Aggressive);
  if (positionIndependent)
    builder->setRelocationModel(llvm::Reloc::PIC_);
  return builder->createTargetMachine();
}

/// Tags every function with the host CPU, its features and, on AVX-512,
/// 512-bit vectors; marks buffer arguments noalias.
void tagFunctions(mlir::ModuleOp module) {
  mlir::Builder builder(module->getContext());
  std::string cpu = llvm::sys::getHostCPUName().str();
  std::string features = hostFeatures();
  bool avx512 = features.find("+avx512f") != std::string::npos;
  module.walk([&](mlir::LLVM::LLVMFuncOp function) {
    if (function.isExternal())
      return;
    llvm::SmallVector<mlir::Attribute> passthrough;
    auto pair = [&](llvm::StringRef key, llvm::StringRef value) {
      passthrough.push_back(builder.getArrayAttr(
          {builder.getStringAttr(key), builder.getStringAttr(value)}));
    };
    pair("target-cpu", cpu);
    if (!features.empty())
      pair("target-features", features);
    if (avx512)
      pair("prefer-vector-width", "512");
    function.setPassthroughAttr(builder.getArrayAttr(passthrough));
    // Every buffer is its own allocation (ProgramLayout): tell LLVM, so the
    // vectoriser needs no run-time overlap checks.
    for (unsigned i = 0; i < function.getNumArguments(); ++i)
      if (mlir::isa<mlir::LLVM::LLVMPointerType>(
              function.getArgument(i).getType()))
        function.setArgAttr(i, mlir::LLVM::LLVMDialect::getNoAliasAttrName(),
                            builder.getUnitAttr());
    // The buffers' names and units (snn.buffer, snn.unit) are for readers of
    // the MLIR; the translation warns about every argument attribute it does
    // not know, printing the whole function each time: quadratic in the
    // number of buffers (seconds for a 64-projection network).
    for (unsigned i = 0; i < function.getNumArguments(); ++i) {
      llvm::SmallVector<mlir::StringAttr> ours;
      if (mlir::DictionaryAttr attributes = function.getArgAttrDict(i))
        for (mlir::NamedAttribute attribute : attributes)
          if (attribute.getName().getValue().starts_with("snn."))
            ours.push_back(attribute.getName());
      for (mlir::StringAttr name : ours)
        function.removeArgAttr(i, name);
    }
  });
}

void registerTranslations(mlir::ModuleOp module) {
  mlir::DialectRegistry registry;
  mlir::registerBuiltinDialectTranslation(registry);
  mlir::registerLLVMDialectTranslation(registry);
  module->getContext()->appendDialectRegistry(registry);
}

/// Translates and optimises; the module the JIT and `emit llvm` both see.
llvm::Expected<std::unique_ptr<llvm::Module>>
optimizedModule(mlir::ModuleOp module, llvm::LLVMContext &context,
                llvm::TargetMachine &machine) {
  registerTranslations(module);
  tagFunctions(module);
  std::unique_ptr<llvm::Module> llvmModule =
      mlir::translateModuleToLLVMIR(module, context);
  if (!llvmModule)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "cannot translate the program to LLVM IR");
  llvmModule->setDataLayout(machine.createDataLayout());
  llvmModule->setTargetTriple(machine.getTargetTriple().getTriple());
  auto optimize = mlir::makeOptimizingTransformer(3, 0, &machine);
  if (llvm::Error error = optimize(llvmModule.get()))
    return error;
  return llvmModule;
}

/// An optimised module and the host target machine it was optimised for.
struct HostModule {
  std::unique_ptr<llvm::TargetMachine> machine;
  std::unique_ptr<llvm::Module> module;
};

llvm::Expected<HostModule> optimizedForHost(mlir::ModuleOp module,
                                            llvm::LLVMContext &context) {
  llvm::Expected<std::unique_ptr<llvm::TargetMachine>> machine =
      hostTargetMachine();
  if (!machine)
    return machine.takeError();
  llvm::Expected<std::unique_ptr<llvm::Module>> llvmModule =
      optimizedModule(module, context, **machine);
  if (!llvmModule)
    return llvmModule.takeError();
  return HostModule{std::move(*machine), std::move(*llvmModule)};
}

/// The name of the packed form of `name`, as MLIR's ExecutionEngine
/// names it (rt::kPackedInit, rt::kPackedRun).
std::string packedName(llvm::StringRef name) { return "_mlir_" + name.str(); }

/// Adds `void _mlir_NAME(void **arguments)`, which loads each argument
/// through its pointer and calls NAME: the packed calling convention of
/// MLIR's ExecutionEngine, one pointer per argument, so the callers need
/// not know the signature. Added after optimisation, as the engine does:
/// the entry point's own code stays what `emit llvm` prints.
llvm::Error addPackedEntryPoint(llvm::Module &module, llvm::StringRef name) {
  llvm::Function *function = module.getFunction(name);
  if (!function || function->isDeclaration())
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "the program has no " + name +
                                       " entry point");
  llvm::LLVMContext &context = module.getContext();
  llvm::IRBuilder<> builder(context);
  auto *type = llvm::FunctionType::get(builder.getVoidTy(), builder.getPtrTy(),
                                       /*isVarArg=*/false);
  llvm::FunctionCallee callee =
      module.getOrInsertFunction(packedName(name), type);
  auto *packed = llvm::cast<llvm::Function>(callee.getCallee());
  builder.SetInsertPoint(llvm::BasicBlock::Create(context, "", packed));
  llvm::Value *list = packed->arg_begin();
  llvm::SmallVector<llvm::Value *, 16> arguments;
  for (auto [index, argument] : llvm::enumerate(function->args())) {
    llvm::Value *slot =
        builder.CreateGEP(builder.getPtrTy(), list,
                          llvm::Constant::getIntegerValue(
                              builder.getInt64Ty(), llvm::APInt(64, index)));
    llvm::Value *pointer = builder.CreateLoad(builder.getPtrTy(), slot);
    arguments.push_back(builder.CreateLoad(argument.getType(), pointer));
  }
  llvm::Value *result = builder.CreateCall(function, arguments);
  if (!result->getType()->isVoidTy()) {
    llvm::Value *slot = builder.CreateGEP(
        builder.getPtrTy(), list,
        llvm::Constant::getIntegerValue(builder.getInt64Ty(),
                                        llvm::APInt(64, function->arg_size())));
    builder.CreateStore(result, builder.CreateLoad(builder.getPtrTy(), slot));
  }
  builder.CreateRetVoid();
  return llvm::Error::success();
}

} // namespace

std::string snnc::hostCpuDescription() {
  return llvm::sys::getHostCPUName().str() + " " + hostFeatures();
}

JitProgram::JitProgram(std::unique_ptr<llvm::orc::LLJIT> jit, Entry init,
                       Entry run, size_t numBuffers)
    : PackedProgram(init, run, numBuffers), jit(std::move(jit)) {}
JitProgram::~JitProgram() = default;

llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
JitProgram::compileObject(mlir::ModuleOp module, size_t numBuffers,
                          bool positionIndependent) {
  // snn_run takes the buffers, the step range and the partitions; snn_init
  // the buffers and the partitions.
  size_t runArguments = 0, initArguments = 0;
  module.walk([&](mlir::LLVM::LLVMFuncOp function) {
    if (function.getName() == "snn_run")
      runArguments = function.getNumArguments();
    if (function.getName() == "snn_init")
      initArguments = function.getNumArguments();
  });
  if (runArguments != numBuffers + 4 || initArguments != numBuffers + 2)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        llvm::Twine("the program's entry points do not take the ") +
            llvm::Twine(numBuffers) + " buffers of its layout");

  // The JIT compiles exactly the module `emit llvm` prints, plus the
  // packed entry points.
  llvm::LLVMContext context;
  llvm::Expected<HostModule> optimized = optimizedForHost(module, context);
  if (!optimized)
    return optimized.takeError();
  llvm::Module &llvmModule = *optimized->module;
  for (llvm::StringRef name : {"snn_init", "snn_run"})
    if (llvm::Error error = addPackedEntryPoint(llvmModule, name))
      return error;

  // Machine code from a target machine of its own, as ORC's IR layer
  // would make it: ORC's SimpleCompiler, in memory.
  llvm::Expected<std::unique_ptr<llvm::TargetMachine>> codegen =
      hostTargetMachine(positionIndependent);
  if (!codegen)
    return codegen.takeError();
  llvm::orc::SimpleCompiler compiler(**codegen);
  return compiler(llvmModule);
}

llvm::Expected<std::unique_ptr<JitProgram>>
JitProgram::load(std::unique_ptr<llvm::MemoryBuffer> object,
                 size_t numBuffers) {
  initializeNativeTarget();
  // No JIT event listeners: the perf listener would write a dump under
  // ~/.debug/jit for every program, and GDB needs none to run it.
  llvm::Expected<std::unique_ptr<llvm::orc::LLJIT>> jit =
      llvm::orc::LLJITBuilder().create();
  if (!jit)
    return jit.takeError();
  // The code may call libm (powf, ...) and memcpy: resolve against this
  // process.
  const llvm::DataLayout &layout = (*jit)->getDataLayout();
  llvm::Expected<std::unique_ptr<llvm::orc::DynamicLibrarySearchGenerator>>
      process = llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
          layout.getGlobalPrefix());
  if (!process)
    return process.takeError();
  (*jit)->getMainJITDylib().addGenerator(std::move(*process));
  if (llvm::Error error =
          (*jit)->getMainJITDylib().define(llvm::orc::absoluteSymbols(
              runtimeSymbols(llvm::orc::MangleAndInterner(
                  (*jit)->getExecutionSession(), layout)))))
    return error;
  if (llvm::Error error = (*jit)->addObjectFile(std::move(object)))
    return error;
  auto entry = [&](llvm::StringRef name) -> llvm::Expected<void (*)(void **)> {
    llvm::Expected<llvm::orc::ExecutorAddr> address = (*jit)->lookup(name);
    if (!address)
      return address.takeError();
    return address->toPtr<void (*)(void **)>();
  };
  llvm::Expected<void (*)(void **)> init = entry(rt::kPackedInit);
  if (!init)
    return init.takeError();
  llvm::Expected<void (*)(void **)> run = entry(rt::kPackedRun);
  if (!run)
    return run.takeError();
  return std::unique_ptr<JitProgram>(
      new JitProgram(std::move(*jit), *init, *run, numBuffers));
}

llvm::Error snnc::printLLVMIR(mlir::ModuleOp module, llvm::raw_ostream &os) {
  llvm::LLVMContext context;
  llvm::Expected<HostModule> optimized = optimizedForHost(module, context);
  if (!optimized)
    return optimized.takeError();
  optimized->module->print(os, nullptr);
  return llvm::Error::success();
}

llvm::Error snnc::printAssembly(mlir::ModuleOp module, llvm::raw_ostream &os) {
  llvm::LLVMContext context;
  llvm::Expected<HostModule> optimized = optimizedForHost(module, context);
  if (!optimized)
    return optimized.takeError();
  llvm::SmallString<0> text;
  llvm::raw_svector_ostream stream(text);
  llvm::legacy::PassManager passes;
  if (optimized->machine->addPassesToEmitFile(
          passes, stream, nullptr, llvm::CodeGenFileType::AssemblyFile))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "the target cannot emit assembly");
  passes.run(*optimized->module);
  os << text;
  return llvm::Error::success();
}
