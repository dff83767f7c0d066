//===- SnnDialect.td - The snn dialect ---------------------*- tablegen -*-===//
//
// Model-level operations of a spiking network simulation: the time loop,
// per-neuron passes, ODE steps, event-driven spike propagation and spike
// compaction. Generated from the typed model by ProgramBuilder, rewritten
// by the passes in Transforms/ and lowered to scf/arith/math/memref.
//
//===----------------------------------------------------------------------===//
#ifndef SNN_DIALECT_TD
#define SNN_DIALECT_TD

include "mlir/IR/OpBase.td"

def Snn_Dialect : Dialect {
  let name = "snn";
  let cppNamespace = "::snnc::snn";
  let hasConstantMaterializer = 1;
  let useDefaultAttributePrinterParser = 1;
  // Defined with the attribute storage, in SnnAttributes.cpp.
  let extraClassDeclaration = [{ void registerAttributes(); }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
  let summary = "Spiking neural network simulation";
  let description = [{
    State lives in memrefs (one buffer per state variable, laid out by the
    compiler). Ops describe what a step does at model level; the
    `snn-lower-to-loops` pass turns them into plain loops.
  }];
}

class Snn_Op<string mnemonic, list<Trait> traits = []>
    : Op<Snn_Dialect, mnemonic, traits>;

#endif // SNN_DIALECT_TD
