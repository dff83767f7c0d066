// RUN: snn-opt --snn-integrate --verify-diagnostics %s

func.func @abs_has_no_derivative(%x: f32) -> f32 {
  %a = math.absf %x : f32
  // expected-error @+1 {{'math.absf' is not differentiable; use 'using euler'}}
  %r = snn.integrate exp_euler (%x) rhs (%a) dt 1.000000e-01 : f32
  return %r : f32
}
