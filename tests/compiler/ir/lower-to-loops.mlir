// RUN: snn-opt --canonicalize --snn-lower-to-loops="prefetch-rows-ahead=4 version-exprel-passes=true barrier-function=snnc_barrier_wait" %s | FileCheck %s

// Barriers call the runtime, declared once (see @threaded below).
// CHECK-LABEL: func.func private @snnc_barrier_wait(memref<48xi32>)

// CHECK-LABEL: func.func @step
func.func @step(%v: memref<4xf32>, %flags: memref<8xi8>, %list: memref<4xi32>,
                %count: memref<1xi32>, %rows: memref<3xi32>,
                %targets: memref<6xi32>, %g: memref<4xf32>,
                %begin: index, %end: index) {
  // The time loop: t = float(step * dt), computed in f64.
  // CHECK: scf.for %[[STEP:.*]] = %arg7 to %arg8
  // CHECK: arith.sitofp %{{.*}} : i64 to f64
  // CHECK: arith.truncf %{{.*}} : f64 to f32
  snn.time_loop %begin to %end dt 1.000000e-01 : f32 {
  ^bb0(%step: index, %t: f32):
    // Propagation: over listed spikes, skipping sources outside [1, 3),
    // then over the source's synapses.
    // CHECK: memref.load %arg3
    // CHECK: scf.for
    // CHECK: arith.cmpi sge
    // CHECK: arith.cmpi slt
    // CHECK: scf.if
    // CHECK: memref.load %arg4
    // CHECK: scf.for
    // CHECK: memref.load %arg5
    snn.propagate %list, %count through %rows, %targets source [1, 3) : memref<4xi32>, memref<1xi32>, memref<3xi32>, memref<6xi32> {
    ^bb0(%target: index, %synapse: index):
      %old = memref.load %g[%target] : memref<4xf32>
      %w = arith.constant 5.000000e-01 : f32
      %new = arith.addf %old, %w : f32
      memref.store %new, %g[%target] : memref<4xf32>
    }
    // CHECK: scf.for %{{.*}} = %c0{{.*}} to %c4
    snn.for_each_neuron "N" size 4 elementwise {
    ^bb0(%j: index):
      %x = memref.load %v[%j] : memref<4xf32>
      // CHECK: math.fma
      // CHECK: math.exp
      // CHECK: arith.select
      %e = snn.exprel %x : f32
      memref.store %e, %v[%j] : memref<4xf32>
    }
    // Compaction reads the flags as 64-bit words and looks at the bytes of
    // non-zero words only, carrying the count through both loops.
    // CHECK: memref.view %arg1
    // CHECK: scf.for {{.*}} iter_args
    // CHECK: arith.cmpi ne, %{{.*}}, %c0_i64
    // CHECK: scf.if {{.*}} -> (i32)
    // CHECK: scf.for {{.*}} iter_args
    // CHECK: memref.store %{{.*}}, %arg2
    snn.compact %flags into %list, %count : memref<8xi8>, memref<4xi32>, memref<1xi32>
  }
  // CHECK-NOT: snn.
  return
}

// exprel of a constant folds at compile time, in double precision.
// CHECK-LABEL: func.func @exprel_constant
func.func @exprel_constant() -> f32 {
  %x = arith.constant -2.000000e-02 : f32
  // CHECK: arith.constant 0.990066{{[0-9]*}} : f32
  // CHECK-NOT: math.exp
  %e = snn.exprel %x : f32
  return %e : f32
}

// A thread stepping partitions [first, end) of two: it reads both
// partitions' spike-list segments in order (segment u from bounds[u], its
// count at count[16 u]), delivers along its partitions' part of each row
// (row * 2 + first to row * 2 + end in the row table), runs the neuron
// pass over its range, lists its own spikes from lo, and meets the other
// threads at the barrier, a runtime call.
// CHECK-LABEL: func.func @threaded
func.func @threaded(%v: memref<32xf32>, %flags: memref<32xi8>,
                    %list: memref<32xi32>, %count: memref<32xi32>,
                    %rows: memref<5xi32>, %targets: memref<6xi32>,
                    %bounds: memref<3xi32>, %barrier: memref<48xi32>,
                    %first: index, %end: index, %lo: index, %hi: index) {
  // CHECK: scf.for %[[U:.*]] = %c0{{.*}} to %c2
  // CHECK:   memref.load %arg6[%[[U]]]
  // CHECK:   %[[SLOT:.*]] = arith.muli %[[U]], %c16
  // CHECK:   memref.load %arg3[%[[SLOT]]]
  // CHECK:   scf.for
  // CHECK:     scf.if
  // CHECK:       %[[ROW:.*]] = arith.muli %{{.*}}, %c2
  // CHECK:       arith.addi %[[ROW]], %arg8
  // CHECK:       arith.addi %{{.*}}, %arg9
  snn.propagate %list, %count through %rows, %targets source [1, 3) partitions 2 bounds %bounds parts [%first, %end) : memref<32xi32>, memref<32xi32>, memref<5xi32>, memref<6xi32>, memref<3xi32> {
  ^bb0(%target: index, %synapse: index):
  }
  // CHECK: call @snnc_barrier_wait(%arg7)
  snn.barrier %barrier : memref<48xi32>
  // CHECK: scf.for %{{.*}} = %arg10 to %arg11
  snn.for_each_neuron "N" size 32 range [%lo, %hi) elementwise {
  ^bb0(%j: index):
    %x = memref.load %v[%j] : memref<32xf32>
    memref.store %x, %v[%j] : memref<32xf32>
  }
  // Words from lo / 8 to ceil(hi / 8); the list from lo; the count in the
  // thread's slot.
  // CHECK: %[[FIRST:.*]] = arith.divui %arg10, %c8
  // CHECK: scf.for %{{.*}} = %[[FIRST]] to
  // CHECK: arith.addi %{{.*}}, %arg10
  // CHECK: memref.store %{{.*}}, %arg3[%[[SLOT2:.*]]] : memref<32xi32>
  %c16 = arith.constant 16 : index
  %slot = arith.muli %first, %c16 : index
  snn.compact %flags into %list, %count part(%lo, %hi, %slot) : memref<32xi8>, memref<32xi32>, memref<32xi32>
  return
}

// Not partitioned, on a row table of two entries per row: one spike list,
// and each source's whole row, [rows[2 r], rows[2 r + 2]).
// CHECK-LABEL: func.func @whole_rows_of_a_partitioned_table
func.func @whole_rows_of_a_partitioned_table(
    %list: memref<32xi32>, %count: memref<32xi32>, %rows: memref<5xi32>,
    %targets: memref<6xi32>) {
  // CHECK-NOT: scf.for {{.*}} to %c2
  // CHECK: memref.load %arg1[%c0{{.*}}]
  // CHECK: scf.for
  // CHECK:   scf.if
  // CHECK:     %[[ROW:.*]] = arith.muli %{{.*}}, %c2
  // CHECK:     memref.load %arg2[%[[ROW]]]
  // CHECK:     %[[NEXT:.*]] = arith.muli %{{.*}}, %c2
  // CHECK:     %[[END:.*]] = arith.addi %[[NEXT]], %c2
  // CHECK:     memref.load %arg2[%[[END]]]
  snn.propagate %list, %count through %rows, %targets source [1, 3) partitions 2 : memref<32xi32>, memref<32xi32>, memref<5xi32>, memref<6xi32> {
  ^bb0(%target: index, %synapse: index):
  }
  return
}

// Recording neurons 2..4 into row `step` of a 3-wide chunk buffer, whole
// and one thread's share.
// CHECK-LABEL: func.func @record_state
func.func @record_state(%v: memref<8xf32>, %rec: memref<12xf32>,
                        %step: index, %lo: index, %hi: index) {
  // CHECK: scf.for %[[J:.*]] = %c0{{.*}} to %c3
  // CHECK:   %[[N:.*]] = arith.addi %[[J]], %c2
  // CHECK:   %[[ROW:.*]] = arith.muli %arg2, %c3
  // CHECK:   %[[AT:.*]] = arith.addi %[[ROW]], %[[J]]
  // CHECK:   %[[X:.*]] = memref.load %arg0[%[[N]]]
  // CHECK:   memref.store %[[X]], %arg1[%[[AT]]]
  snn.record_state "N" %v offset 2 size 3 into %rec at %step : memref<8xf32>, memref<12xf32>
  // CHECK: scf.for %{{.*}} = %arg3 to %arg4
  snn.record_state "N" %v offset 2 size 3 into %rec at %step range [%lo, %hi) : memref<8xf32>, memref<12xf32>
  return
}
