//===- SnnAttributes.td - Attributes of the snn dialect ----*- tablegen -*-===//
#ifndef SNN_ATTRIBUTES_TD
#define SNN_ATTRIBUTES_TD

include "snnc/compiler/Dialect/SnnDialect.td"
include "mlir/IR/AttrTypeBase.td"

def Snn_IntegratorAttr : AttrDef<Snn_Dialect, "Integrator"> {
  let mnemonic = "integrator";
  let summary = "An ODE integration method of the language";
  let description = [{
    One of the integrators of snnc/dsl/Integrators.h, the list the front
    end and the reference interpreter read too: `#snn.integrator<rk4>`.
  }];
  let parameters = (ins "::snnc::model::Integrator":$value);
  let hasCustomAssemblyFormat = 1;
  // Ops read the method itself: op.getMethod() is a model::Integrator.
  let returnType = "::snnc::model::Integrator";
  let convertFromStorage = "$_self.getValue()";
  let constBuilderCall =
      "::snnc::snn::IntegratorAttr::get($_builder.getContext(), $0)";
}

#endif // SNN_ATTRIBUTES_TD
