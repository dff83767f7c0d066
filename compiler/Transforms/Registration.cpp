//===- Registration.cpp - The snn passes on snn-opt's command line --------===//

#include "snnc/compiler/Transforms/OutlineParameters.h"
#include "snnc/compiler/Transforms/Passes.h"

void snnc::registerSnnPasses() {
  mlir::registerPass(createFuseNeuronPassesPass);
  mlir::registerPass(createIntegrateOdesPass);
  mlir::registerPass([] { return createOutlineParametersPass(); });
  mlir::registerPass([] { return createLowerToLoopsPass(); });
  mlir::registerPass(createDivisionByConstantPass);
}
