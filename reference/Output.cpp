//===- Output.cpp - The reference's results as NumPy files ----------------===//
//
// The same files, with the same keys, as snnc::Simulation writes (the
// writers of Recordings.h), so that `snnc run --engine reference` and the
// plotting scripts need no special case.
//
//===----------------------------------------------------------------------===//

#include "snnc/reference/ReferenceSimulator.h"

using namespace snnc;
using namespace snnc::reference;

llvm::Error ReferenceSimulator::writeSpikes(const std::string &path) const {
  return snnc::writeSpikes(path, spikes(), dtMs(), totalSteps());
}

llvm::Error ReferenceSimulator::writeStates(const std::string &path) const {
  return snnc::writeStates(path, stateTraces(), dtMs());
}
