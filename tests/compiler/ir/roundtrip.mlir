// RUN: snn-opt %s | snn-opt | FileCheck %s

// Every op prints in a form that parses back to the same op.
// CHECK-LABEL: func.func @all_ops
func.func @all_ops(%f: memref<8xi8>, %l: memref<4xi32>, %c: memref<1xi32>,
                   %r: memref<3xi32>, %t: memref<6xi32>,
                   %ri: memref<8xi32>, %rc: memref<2xi32>, %rf: memref<1xi32>,
                   %b: index, %e: index, %x: f32) {
  // CHECK: snn.time_loop %{{.*}} to %{{.*}} dt 1.000000e-01 : f32
  snn.time_loop %b to %e dt 1.000000e-01 : f32 {
  ^bb0(%step: index, %time: f32):
    // CHECK: snn.propagate {{.*}} source [1, 3)
    snn.propagate %l, %c through %r, %t source [1, 3) : memref<4xi32>, memref<1xi32>, memref<3xi32>, memref<6xi32> {
    ^bb0(%target: index, %synapse: index):
    }
    // CHECK: snn.for_each_neuron "N" size 4 elementwise
    snn.for_each_neuron "N" size 4 elementwise {
    ^bb0(%j: index):
      // CHECK: snn.integrate exp_euler
      %n = snn.integrate exp_euler (%x) rhs (%x) dt 1.000000e-01 : f32
      // CHECK: snn.exprel
      %q = snn.exprel %n : f32
    }
    // CHECK: snn.for_each_neuron "N" offset 1 size 2 elementwise
    snn.for_each_neuron "N" offset 1 size 2 elementwise {
    ^bb0(%j: index):
    }
    // CHECK: snn.compact {{.*}} record
    snn.compact %f into %l, %c record %ri, %rc, %rf at %step : memref<8xi8>, memref<4xi32>, memref<1xi32>, memref<8xi32>, memref<2xi32>, memref<1xi32>
  }
  return
}

// Recording a slice of a state, and a row table laid out for two
// partitions in a program not yet split.
// CHECK-LABEL: func.func @neutral_ops
func.func @neutral_ops(%v: memref<8xf32>, %rec: memref<12xf32>,
                       %l: memref<4xi32>, %c: memref<32xi32>,
                       %r: memref<5xi32>, %t: memref<6xi32>, %step: index,
                       %lo: index, %hi: index) {
  // CHECK: snn.record_state "N" %{{.*}} offset 2 size 3 into %{{.*}} at %{{.*}} : memref<8xf32>, memref<12xf32>
  snn.record_state "N" %v offset 2 size 3 into %rec at %step : memref<8xf32>, memref<12xf32>
  // CHECK: snn.record_state "N" %{{.*}} offset 2 size 3 into %{{.*}} at %{{.*}} range [%{{.*}}, %{{.*}}) :
  snn.record_state "N" %v offset 2 size 3 into %rec at %step range [%lo, %hi) : memref<8xf32>, memref<12xf32>
  // CHECK: snn.propagate {{.*}} source [1, 3) partitions 2 : memref<4xi32>, memref<32xi32>, memref<5xi32>, memref<6xi32> {
  snn.propagate %l, %c through %r, %t source [1, 3) partitions 2 : memref<4xi32>, memref<32xi32>, memref<5xi32>, memref<6xi32> {
  ^bb0(%target: index, %synapse: index):
  }
  return
}

// One thread's share of a program built for two partitions.
// CHECK-LABEL: func.func @threaded_ops
func.func @threaded_ops(%f: memref<8xi8>, %l: memref<4xi32>,
                        %c: memref<32xi32>, %r: memref<5xi32>,
                        %t: memref<6xi32>, %bounds: memref<3xi32>,
                        %barrier: memref<48xi32>, %first: index, %end: index,
                        %lo: index, %hi: index, %slot: index) {
  // CHECK: snn.propagate {{.*}} source [1, 3) partitions 2 bounds %{{.*}} parts [%{{.*}}, %{{.*}}) :
  snn.propagate %l, %c through %r, %t source [1, 3) partitions 2 bounds %bounds parts [%first, %end) : memref<4xi32>, memref<32xi32>, memref<5xi32>, memref<6xi32>, memref<3xi32> {
  ^bb0(%target: index, %synapse: index):
  }
  // CHECK: snn.barrier %{{.*}} : memref<48xi32>
  snn.barrier %barrier : memref<48xi32>
  // CHECK: snn.for_each_neuron "N" size 4 range [%{{.*}}, %{{.*}}) elementwise
  snn.for_each_neuron "N" size 4 range [%lo, %hi) elementwise {
  ^bb0(%j: index):
  }
  // CHECK: snn.compact {{.*}} part(%{{.*}}, %{{.*}}, %{{.*}})
  snn.compact %f into %l, %c part(%lo, %hi, %slot) : memref<8xi8>, memref<4xi32>, memref<32xi32>
  return
}
