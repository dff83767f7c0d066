//===- NvptxTarget.h - NVIDIA GPUs through LLVM's NVPTX backend -*- C++ -*-===//
#ifndef SNNC_COMPILER_TARGET_NVPTX_NVPTXTARGET_H
#define SNNC_COMPILER_TARGET_NVPTX_NVPTXTARGET_H

#include "snnc/compiler/Target.h"

namespace snnc {
/// NVIDIA GPUs: registered, not yet able to make programs.
std::unique_ptr<Target> createNvptxTarget();
} // namespace snnc

#endif // SNNC_COMPILER_TARGET_NVPTX_NVPTXTARGET_H
