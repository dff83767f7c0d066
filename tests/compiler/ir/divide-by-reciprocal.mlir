// RUN: snn-opt --snn-divide-by-reciprocal %s | FileCheck %s

// x / 20 becomes x * (1/20 rounded to f32); a division by a variable stays.
// CHECK-LABEL: func.func @divisions
func.func @divisions(%x: f32, %y: f32) -> (f32, f32) {
  %c = arith.constant 2.000000e+01 : f32
  // CHECK: %[[R:.*]] = arith.constant 5.000000e-02 : f32
  // CHECK: %[[A:.*]] = arith.mulf %arg0, %[[R]] : f32
  %a = arith.divf %x, %c : f32
  // CHECK: %[[B:.*]] = arith.divf %arg0, %arg1 : f32
  %b = arith.divf %x, %y : f32
  // CHECK: return %[[A]], %[[B]]
  return %a, %b : f32, f32
}

// Division by zero has no finite reciprocal: left alone.
// CHECK-LABEL: func.func @by_zero
func.func @by_zero(%x: f64) -> f64 {
  %z = arith.constant 0.000000e+00 : f64
  // CHECK: arith.divf
  %a = arith.divf %x, %z : f64
  return %a : f64
}
