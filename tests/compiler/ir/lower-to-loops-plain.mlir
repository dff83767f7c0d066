// RUN: snn-opt --snn-lower-to-loops %s | FileCheck %s

// Without a target's hooks the loops are plain: delivery prefetches no
// rows, and a neuron pass with exprel is one loop with the general form
// (no scan of the arguments, no second copy).

// CHECK-LABEL: func.func @delivery
func.func @delivery(%list: memref<4xi32>, %count: memref<1xi32>,
                    %rows: memref<3xi32>, %targets: memref<6xi32>) {
  // CHECK-NOT: memref.prefetch
  // CHECK: scf.for
  // CHECK: scf.if
  snn.propagate %list, %count through %rows, %targets source [0, 2) : memref<4xi32>, memref<1xi32>, memref<3xi32>, memref<6xi32> {
  ^bb0(%target: index, %synapse: index):
  }
  // CHECK-NOT: memref.prefetch
  return
}

// CHECK-LABEL: func.func @exprel_pass
func.func @exprel_pass(%v: memref<16xf32>) {
  // CHECK-NOT: scf.if
  // CHECK: scf.for
  // CHECK:   math.exp
  // CHECK:   arith.select
  // CHECK-NOT: scf.for
  // CHECK: return
  snn.for_each_neuron "N" size 16 elementwise {
  ^bb0(%j: index):
    %x = memref.load %v[%j] : memref<16xf32>
    %e = snn.exprel %x : f32
    memref.store %e, %v[%j] : memref<16xf32>
  }
  return
}
