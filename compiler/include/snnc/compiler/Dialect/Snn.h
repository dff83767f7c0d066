//===- Snn.h - The snn dialect and its operations ---------------*- C++ -*-===//
#ifndef SNNC_COMPILER_DIALECT_SNN_H
#define SNNC_COMPILER_DIALECT_SNN_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "snnc/dsl/Integrators.h"

#include "snnc/compiler/Dialect/SnnDialect.h.inc"

#define GET_ATTRDEF_CLASSES
#include "snnc/compiler/Dialect/SnnAttributes.h.inc"

namespace snnc::snn {
/// The integrator named by the next keyword (`exp_euler`), or an error that
/// lists the known ones.
mlir::FailureOr<model::Integrator>
parseIntegratorKeyword(mlir::AsmParser &parser);
} // namespace snnc::snn

#define GET_OP_CLASSES
#include "snnc/compiler/Dialect/SnnOps.h.inc"

#endif // SNNC_COMPILER_DIALECT_SNN_H
