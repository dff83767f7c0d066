//===- Recordings.h - What a run records, and its NumPy files ---*- C++ -*-===//
//
// The results of a run, the same for the compiled engine and the reference
// interpreter: spike trains and state traces (runtime/Recordings.h), one
// per `record` of the model, and the .npz files both write (so the CLI and the
// plotting scripts never care which engine ran). No MLIR.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_MODEL_RECORDINGS_H
#define SNNC_MODEL_RECORDINGS_H

#include "snnc/dsl/Model.h"
#include "snnc/runtime/Recordings.h"

#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace snnc {

using rt::SpikeTrain;
using rt::StateTrace;

/// Empty trains and traces, one per `record` of the model's run, in order.
void prepareRecordings(const model::Model &model,
                       std::vector<SpikeTrain> &trains,
                       std::vector<StateTrace> &traces);

/// rt::writeSpikes and rt::writeStates (runtime/Recordings.h), with LLVM's
/// errors.
llvm::Error writeSpikes(const std::string &path,
                        const std::vector<SpikeTrain> &trains, double dtMs,
                        int64_t steps);

llvm::Error writeStates(const std::string &path,
                        const std::vector<StateTrace> &traces, double dtMs);

} // namespace snnc

#endif // SNNC_MODEL_RECORDINGS_H
