// RUN: snn-opt --snn-fuse-neuron-passes %s | FileCheck %s

// Two elementwise passes over the same population become one, the second
// body after the first.
// CHECK-LABEL: func.func @same_population
func.func @same_population(%v: memref<8xf32>, %g: memref<8xf32>) {
  // CHECK: snn.for_each_neuron "N" size 8 elementwise
  // CHECK: memref.load %arg0
  // CHECK: memref.load %arg1
  // CHECK-NOT: snn.for_each_neuron
  // CHECK: return
  snn.for_each_neuron "N" size 8 elementwise {
  ^bb0(%j: index):
    %x = memref.load %v[%j] : memref<8xf32>
    memref.store %x, %v[%j] : memref<8xf32>
  }
  snn.for_each_neuron "N" size 8 elementwise {
  ^bb0(%k: index):
    %y = memref.load %g[%k] : memref<8xf32>
    memref.store %y, %g[%k] : memref<8xf32>
  }
  return
}

// Different populations, different sizes, or a pass that is not
// elementwise stay apart.
// CHECK-LABEL: func.func @not_fusable
func.func @not_fusable(%v: memref<8xf32>) {
  // CHECK-COUNT-3: snn.for_each_neuron
  snn.for_each_neuron "N" size 8 elementwise {
  ^bb0(%j: index):
  }
  snn.for_each_neuron "M" size 8 elementwise {
  ^bb0(%j: index):
  }
  snn.for_each_neuron "M" size 8 {
  ^bb0(%j: index):
  }
  return
}
