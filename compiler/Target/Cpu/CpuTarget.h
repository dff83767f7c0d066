//===- CpuTarget.h - The CPU this process runs on ---------------*- C++ -*-===//
#ifndef SNNC_COMPILER_TARGET_CPU_CPUTARGET_H
#define SNNC_COMPILER_TARGET_CPU_CPUTARGET_H

#include "snnc/compiler/Target.h"

namespace snnc {
/// The host CPU, through LLVM's native backend and ORC's JIT.
std::unique_ptr<Target> createCpuTarget();
} // namespace snnc

#endif // SNNC_COMPILER_TARGET_CPU_CPUTARGET_H
