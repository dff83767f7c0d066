// RUN: snn-opt --snn-lower-to-loops --verify-diagnostics %s

// A target without barriers cannot lower one.
func.func @barrier(%state: memref<48xi32>) {
  // expected-error @+1 {{cannot be lowered to loops for this target}}
  snn.barrier %state : memref<48xi32>
  return
}
