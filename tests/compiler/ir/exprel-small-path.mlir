// RUN: snn-opt --snn-lower-to-loops="version-exprel-passes=true" %s | FileCheck %s

// A neuron pass with exprel of a per-neuron value: a first loop computes
// only the arguments and ORs |x| >= 1/2 over the neurons; then either the
// pass with the general exprel (polynomial, exp and quotient, selected) or
// the pass with the polynomial alone runs.
// CHECK-LABEL: func.func @pass
func.func @pass(%v: memref<16xf32>) {
  // CHECK: %[[ANY:.*]] = scf.for {{.*}} iter_args(%{{.*}} = %false) -> (i1)
  // CHECK:   memref.load %arg0
  // CHECK:   math.absf
  // CHECK:   arith.cmpf uge
  // CHECK:   arith.ori
  // CHECK: scf.if %[[ANY]]
  // CHECK:   scf.for
  // CHECK:     math.fma
  // CHECK:     math.exp
  // CHECK:     arith.select
  // CHECK: } else {
  // CHECK:   scf.for
  // CHECK:     math.fma
  // CHECK-NOT: math.exp
  // CHECK:     memref.store
  // CHECK: return
  snn.for_each_neuron "N" size 16 elementwise {
  ^bb0(%j: index):
    %x = memref.load %v[%j] : memref<16xf32>
    %e = snn.exprel %x : f32
    memref.store %e, %v[%j] : memref<16xf32>
  }
  return
}
