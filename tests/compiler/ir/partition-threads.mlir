// RUN: snn-opt --snn-partition-threads=partitions=2 %s | FileCheck %s

// The CPU target's partitioning of a neutral step over N (8 neurons, two
// partitions): the function takes the partitions [first, end) last and
// loads their range of N once; the pass over N gets that range, the pass
// over the slice N[2:6) the range shifted by 2 and clamped to [0, 4);
// compaction lists the range into the slot of `first` (16 x first) and
// records from row first * 4 of its 4-step chunk; delivery reads both
// partitions' segments; threads meet after delivery and at the step's end.
module attributes {snn.populations = {N = 8 : i64}} {
  // CHECK-LABEL: func.func @snn_run
  // CHECK-SAME: %[[FIRST:[a-z0-9]+]]: i64, %[[END:[a-z0-9]+]]: i64)
  func.func @snn_run(%v: memref<8xf32> {snn.buffer = "N.V"},
                     %s: memref<8xf32> {snn.buffer = "group0.g"},
                     %flags: memref<8xi8> {snn.buffer = "N.spike_flags"},
                     %list: memref<8xi32> {snn.buffer = "N.spike_list"},
                     %count: memref<32xi32> {snn.buffer = "N.spike_count"},
                     %ri: memref<64xi32> {snn.buffer = "N.record_indices"},
                     %rc: memref<8xi32> {snn.buffer = "N.record_counts"},
                     %rf: memref<32xi32> {snn.buffer = "N.record_fill"},
                     %rec: memref<16xf32> {snn.buffer = "N.record_V_0_4"},
                     %rows: memref<17xi32> {snn.buffer = "p0.row_start"},
                     %targets: memref<4xi32> {snn.buffer = "p0.targets"},
                     %bounds: memref<3xi32> {snn.buffer = "N.thread_bounds"},
                     %barrier: memref<48xi32> {snn.buffer = "threads.barrier"},
                     %begin: i64, %end: i64) {
    // CHECK-DAG: %[[F:.*]] = arith.index_cast %[[FIRST]] : i64 to index
    // CHECK-DAG: %[[E:.*]] = arith.index_cast %[[END]] : i64 to index
    // CHECK-DAG: %[[SLOT:.*]] = arith.muli %[[F]], %c16
    // CHECK-DAG: %[[LO32:.*]] = memref.load %{{.*}}[%[[F]]] : memref<3xi32>
    // CHECK-DAG: %[[HI32:.*]] = memref.load %{{.*}}[%[[E]]] : memref<3xi32>
    // CHECK-DAG: %[[LO:.*]] = arith.index_cast %[[LO32]]
    // CHECK-DAG: %[[HI:.*]] = arith.index_cast %[[HI32]]
    // CHECK-DAG: %[[ROWS:.*]] = arith.muli %[[F]], %c4
    // CHECK-DAG: arith.subi %[[LO]], %c2
    %b = arith.index_cast %begin : i64 to index
    %e = arith.index_cast %end : i64 to index
    // CHECK: snn.time_loop
    snn.time_loop %b to %e dt 1.000000e-01 : f32 {
    ^bb0(%step: index, %t: f32):
      // CHECK: snn.propagate {{.*}} source [0, 8) partitions 2 bounds %{{.*}} parts [%[[F]], %[[E]])
      snn.propagate %list, %count through %rows, %targets source [0, 8) partitions 2 : memref<8xi32>, memref<32xi32>, memref<17xi32>, memref<4xi32> {
      ^bb0(%target: index, %synapse: index):
      }
      // CHECK-NEXT: ^bb
      // CHECK-NEXT: }
      // CHECK-NEXT: snn.barrier %{{.*}} : memref<48xi32>
      // CHECK: snn.for_each_neuron "N" size 8 range [%[[LO]], %[[HI]]) elementwise
      snn.for_each_neuron "N" size 8 elementwise {
      ^bb0(%j: index):
      }
      // CHECK: snn.for_each_neuron "N" offset 2 size 4 range [%{{.*}}, %{{.*}}) elementwise
      snn.for_each_neuron "N" offset 2 size 4 elementwise {
      ^bb0(%j: index):
      }
      // CHECK: %[[AT:.*]] = arith.addi %{{.*}}, %[[ROWS]]
      // CHECK-NEXT: snn.compact {{.*}} part(%[[LO]], %[[HI]], %[[SLOT]]) record {{.*}} at %[[AT]]
      snn.compact %flags into %list, %count record %ri, %rc, %rf at %step : memref<8xi8>, memref<8xi32>, memref<32xi32>, memref<64xi32>, memref<8xi32>, memref<32xi32>
      // CHECK: snn.record_state "N" {{.*}} offset 0 size 4 into {{.*}} range [%{{.*}}, %{{.*}})
      snn.record_state "N" %v offset 0 size 4 into %rec at %step : memref<8xf32>, memref<16xf32>
      // CHECK-NEXT: snn.barrier
      // CHECK-NEXT: }
    }
    return
  }
}
