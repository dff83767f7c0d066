// RUN: snn-opt --snn-outline-parameters %s | FileCheck %s

// Computations on run-time scalars (snn.param) leave the program. Each
// result the program uses is loaded from the params buffer at the entry of
// the function, which then holds one slot per distinct result; a division
// by a scalar becomes a multiplication by its reciprocal (itself outlined);
// a condition on scalars alone is stored as 0 or 1. The outlined function
// @snn_parameters returns the slots in order, for the host to fold.

// CHECK-LABEL: func.func @step
// CHECK-SAME:    %[[V:.*]]: memref<8xf32> {snn.buffer = "V"}
// CHECK-SAME:    %[[P:.*]]: memref<4xf32> {snn.buffer = "params"}
// CHECK-DAG:     %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG:     %[[TH:.*]] = memref.load %[[P]][%[[C0]]]
// CHECK-DAG:     %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG:     %[[E:.*]] = memref.load %[[P]][%[[C1]]]
// CHECK-DAG:     %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG:     %[[R:.*]] = memref.load %[[P]][%[[C2]]]
// CHECK-DAG:     %[[C3:.*]] = arith.constant 3 : index
// CHECK-DAG:     %[[B:.*]] = memref.load %[[P]][%[[C3]]]
// CHECK:         %[[ON:.*]] = arith.cmpf une, %[[B]]
// CHECK-NOT:     snn.param
// CHECK-NOT:     snn.exprel
// CHECK:         %[[X:.*]] = memref.load %[[V]]
// CHECK:         %[[Y:.*]] = arith.mulf %[[X]], %[[R]]
// CHECK:         %[[Z:.*]] = arith.mulf %[[Y]], %[[E]]
// CHECK:         %[[S:.*]] = arith.addf %[[Z]], %[[TH]]
// CHECK:         arith.addf %[[S]], %[[TH]]
// CHECK:         arith.select %[[ON]]
// CHECK:         return
func.func @step(%v: memref<8xf32> {snn.buffer = "V"},
                %p: memref<1xf32> {snn.buffer = "params"}) {
  %c0 = arith.constant 0 : index
  %tau = snn.param 0 "tau" : f32
  %th = snn.param 1 "V_th" : f32
  %minus = arith.constant -1.0 : f32
  %dt = arith.constant 0.1 : f32
  %j = arith.divf %minus, %tau : f32
  %x = arith.mulf %j, %dt : f32
  %e = snn.exprel %x : f32
  %v0 = memref.load %v[%c0] : memref<8xf32>
  %y = arith.divf %v0, %tau : f32
  %z = arith.mulf %y, %e : f32
  %th2 = snn.param 1 "V_th" : f32
  %s = arith.addf %z, %th : f32
  %s2 = arith.addf %s, %th2 : f32
  %half = arith.constant 0.5 : f32
  %on = arith.cmpf ogt, %th, %half : f32
  %r = arith.select %on, %s2, %v0 : f32
  memref.store %r, %v[%c0] : memref<8xf32>
  return
}

// CHECK-LABEL: func.func @snn_parameters() -> (f32, f32, f32, i1)
// CHECK:         %[[TAU:.*]] = snn.param 0 "tau"
// CHECK:         %[[TH:.*]] = snn.param 1 "V_th"
// CHECK:         %[[EXPREL:.*]] = snn.exprel
// CHECK:         %[[INV:.*]] = arith.divf %{{.*}}, %[[TAU]]
// CHECK:         %[[COND:.*]] = arith.cmpf ogt, %[[TH]]
// CHECK:         return %[[TH]], %[[EXPREL]], %[[INV]], %[[COND]]
