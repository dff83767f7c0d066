// RUN: snn-opt --split-input-file --verify-diagnostics %s

func.func @unknown_method(%x: f32, %f: f32) -> f32 {
  // expected-error @+1 {{unknown integrator 'rk9' (expected euler, exp_euler, rk2, rk4 or exact)}}
  %r = snn.integrate rk9 (%x) rhs (%f) dt 1.000000e-01 : f32
  return %r : f32
}

// -----

func.func @exact_is_not_stepped(%x: f32, %f: f32) -> f32 {
  // expected-error @+1 {{cannot step with 'exact' (expected euler, exp_euler, rk2 or rk4)}}
  %r = snn.integrate exact (%x) rhs (%f) dt 1.000000e-01 : f32
  return %r : f32
}

// -----

func.func @negative_dt(%x: f32, %f: f32) -> f32 {
  // expected-error @+1 {{needs a positive dt}}
  %r = snn.integrate euler (%x) rhs (%f) dt -1.000000e-01 : f32
  return %r : f32
}

// -----

func.func @empty_population() {
  // expected-error @+1 {{needs at least one neuron, got 0}}
  snn.for_each_neuron "N" size 0 {
  ^bb0(%j: index):
  }
  return
}

// -----

func.func @empty_source(%l: memref<4xi32>, %c: memref<1xi32>,
                        %r: memref<1xi32>, %t: memref<1xi32>) {
  // expected-error @+1 {{source slice [2, 2) is empty}}
  snn.propagate %l, %c through %r, %t source [2, 2) : memref<4xi32>, memref<1xi32>, memref<1xi32>, memref<1xi32> {
  ^bb0(%target: index, %synapse: index):
  }
  return
}

// -----

func.func @row_start_size(%l: memref<4xi32>, %c: memref<1xi32>,
                          %r: memref<4xi32>, %t: memref<1xi32>) {
  // expected-error @+1 {{row_start needs one entry per source neuron and partition, plus one, got 4}}
  snn.propagate %l, %c through %r, %t source [0, 2) : memref<4xi32>, memref<1xi32>, memref<4xi32>, memref<1xi32> {
  ^bb0(%target: index, %synapse: index):
  }
  return
}

// -----

func.func @list_size(%f: memref<4xi8>, %l: memref<3xi32>, %c: memref<1xi32>) {
  // expected-error @+1 {{flags must cover the spike list rounded up to whole 8-byte words}}
  snn.compact %f into %l, %c : memref<4xi8>, memref<3xi32>, memref<1xi32>
  return
}

// -----

func.func @time_loop_dt(%b: index, %e: index) {
  // expected-error @+1 {{needs a positive dt}}
  snn.time_loop %b to %e dt 0.000000e+00 : f32 {
  ^bb0(%step: index, %t: f32):
  }
  return
}

// -----

// Two partitions: two row-table entries per source row, plus one.
func.func @threaded_row_start_size(%l: memref<4xi32>, %c: memref<32xi32>,
                                   %r: memref<3xi32>, %t: memref<1xi32>,
                                   %bounds: memref<3xi32>, %first: index,
                                   %end: index) {
  // expected-error @+1 {{row_start needs one entry per source neuron and partition, plus one, got 3}}
  snn.propagate %l, %c through %r, %t source [0, 2) partitions 2 bounds %bounds parts [%first, %end) : memref<4xi32>, memref<32xi32>, memref<3xi32>, memref<1xi32>, memref<3xi32> {
  ^bb0(%target: index, %synapse: index):
  }
  return
}

// -----

func.func @compact_part(%f: memref<8xi8>, %l: memref<4xi32>,
                        %c: memref<32xi32>, %lo: index, %hi: index) {
  // expected-error @+1 {{a part is (lo, hi, slot), got 2 indices}}
  snn.compact %f into %l, %c part(%lo, %hi) : memref<8xi8>, memref<4xi32>, memref<32xi32>
  return
}

// -----

func.func @record_beyond_the_state(%v: memref<4xf32>, %rec: memref<12xf32>,
                                   %step: index) {
  // expected-error @+1 {{records neurons 2 .. 4 of a state of 4}}
  snn.record_state "N" %v offset 2 size 3 into %rec at %step : memref<4xf32>, memref<12xf32>
  return
}

// -----

func.func @record_partial_rows(%v: memref<8xf32>, %rec: memref<10xf32>,
                               %step: index) {
  // expected-error @+1 {{needs a buffer of whole rows of 3}}
  snn.record_state "N" %v offset 0 size 3 into %rec at %step : memref<8xf32>, memref<10xf32>
  return
}
