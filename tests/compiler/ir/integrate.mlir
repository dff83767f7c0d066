// RUN: snn-opt --snn-integrate %s | FileCheck %s

// Forward Euler: x + dt * f.
// CHECK-LABEL: func.func @euler
func.func @euler(%x: f32, %f: f32) -> f32 {
  // CHECK: %[[DT:.*]] = arith.constant 1.000000e-01 : f32
  // CHECK: %[[STEP:.*]] = arith.mulf %[[DT]], %arg1 : f32
  // CHECK: %[[NEW:.*]] = arith.addf %arg0, %[[STEP]] : f32
  // CHECK-NOT: snn.integrate
  // CHECK: return %[[NEW]]
  %r = snn.integrate euler (%x) rhs (%f) dt 1.000000e-01 : f32
  return %r : f32
}

// Exponential Euler on a leak f = (E - x) / tau: J = -1/tau is derived from
// the ops computing f, then x + dt * exprel(dt * J) * f.
// CHECK-LABEL: func.func @exp_euler_leak
func.func @exp_euler_leak(%x: f32) -> f32 {
  %e = arith.constant -6.000000e+01 : f32
  %tau = arith.constant 2.000000e+01 : f32
  %d = arith.subf %e, %x : f32
  %f = arith.divf %d, %tau : f32
  // CHECK: %[[NEG:.*]] = arith.negf %{{.*}} : f32
  // CHECK: %[[J:.*]] = arith.divf %[[NEG]], %{{.*}} : f32
  // CHECK: %[[SCALED:.*]] = arith.mulf %{{.*}}, %[[J]] : f32
  // CHECK: %[[REL:.*]] = snn.exprel %[[SCALED]] : f32
  // CHECK: %[[FACTOR:.*]] = arith.mulf %{{.*}}, %[[REL]] : f32
  // CHECK: %[[INC:.*]] = arith.mulf %[[FACTOR]], %{{.*}} : f32
  // CHECK: arith.addf %arg0, %[[INC]] : f32
  %r = snn.integrate exp_euler (%x) rhs (%f) dt 1.000000e-01 : f32
  return %r : f32
}

// A conductance g multiplying (E - x) enters the Jacobian: d/dx(g*(E-x)) =
// -g, built from g itself.
// CHECK-LABEL: func.func @exp_euler_conductance
func.func @exp_euler_conductance(%x: f32, %g: f32) -> f32 {
  %e = arith.constant 0.000000e+00 : f32
  %d = arith.subf %e, %x : f32
  %f = arith.mulf %g, %d : f32
  // CHECK: arith.mulf %{{.*}}, %arg1 : f32
  // CHECK: snn.exprel
  %r = snn.integrate exp_euler (%x) rhs (%f) dt 1.000000e-01 : f32
  return %r : f32
}

// A right-hand side that does not read x has J = 0: exprel(0) = 1.
// CHECK-LABEL: func.func @exp_euler_constant_rhs
func.func @exp_euler_constant_rhs(%x: f32, %f: f32) -> f32 {
  // CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
  // CHECK: %[[SCALED:.*]] = arith.mulf %{{.*}}, %[[ZERO]] : f32
  // CHECK: snn.exprel %[[SCALED]]
  %r = snn.integrate exp_euler (%x) rhs (%f) dt 1.000000e-01 : f32
  return %r : f32
}

// Runge-Kutta stages re-evaluate the right-hand sides of the whole system:
// the ops computing them are cloned with the stage's states substituted.
// For the rotation dx/dt = -y, dy/dt = x, rk2 evaluates once more.
// CHECK-LABEL: func.func @rk2_system
func.func @rk2_system(%x: f32, %y: f32) -> (f32, f32) {
  %fx = arith.negf %y : f32
  // CHECK: %[[FX:.*]] = arith.negf %arg1
  // CHECK: %[[HALF:.*]] = arith.constant 5.000000e-02 : f32
  // CHECK: %[[YMID:.*]] = arith.addf %arg1,
  // CHECK: %[[FX2:.*]] = arith.negf %[[YMID]] : f32
  // CHECK-NOT: snn.integrate
  %rx, %ry = snn.integrate rk2 (%x, %y) rhs (%fx, %x) dt 1.000000e-01 : f32, f32
  return %rx, %ry : f32, f32
}

// rk4: four evaluations of a time-dependent right-hand side f = t, with the
// stage times t + dt/2 and t + dt.
// CHECK-LABEL: func.func @rk4_time
func.func @rk4_time(%x: f32, %t: f32) -> f32 {
  %f = arith.addf %t, %t : f32
  // CHECK: arith.addf %arg1, %arg1
  // CHECK: arith.constant 5.000000e-02 : f32
  // CHECK: arith.constant 1.000000e-01 : f32
  // CHECK: arith.constant 0.0166666
  %r = snn.integrate rk4 (%x) rhs (%f) time %t dt 1.000000e-01 : f32
  return %r : f32
}
