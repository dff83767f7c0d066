//===- SnnOps.td - Operations of the snn dialect -----------*- tablegen -*-===//
#ifndef SNN_OPS_TD
#define SNN_OPS_TD

include "snnc/compiler/Dialect/SnnDialect.td"
include "snnc/compiler/Dialect/SnnAttributes.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/IR/BuiltinAttributes.td"

def Snn_YieldOp : Snn_Op<"yield", [Pure, Terminator,
    ParentOneOf<["TimeLoopOp", "ForEachNeuronOp", "PropagateOp"]>]> {
  let summary = "Ends the body of an snn region";
  let assemblyFormat = "attr-dict";
}

def Snn_TimeLoopOp : Snn_Op<"time_loop",
    [SingleBlockImplicitTerminator<"YieldOp">]> {
  let summary = "Steps [begin, end) of a simulation, in order";
  let description = [{
    The body runs once per step with the step index and the step's time
    t = step * dt in milliseconds, computed in f64 and rounded once to the
    state type (as numpy's arange then a cast).

    ```mlir
    snn.time_loop %begin to %end dt 1.000000e-01 : f32 {
    ^bb0(%step: index, %t: f32):
      ...
    }
    ```
  }];
  let arguments = (ins Index:$begin, Index:$end, F64Attr:$dt,
                       TypeAttr:$timeType);
  let regions = (region SizedRegion<1>:$body);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let skipDefaultBuilders = 1;
  let builders = [OpBuilder<(ins "::mlir::Value":$begin, "::mlir::Value":$end,
                                 "double":$dt, "::mlir::Type":$timeType)>];
}

def Snn_ForEachNeuronOp : Snn_Op<"for_each_neuron",
    [SingleBlockImplicitTerminator<"YieldOp">]> {
  let summary = "One pass over the neurons of a population";
  let description = [{
    The body runs for indices j = 0 .. size-1 with no order between them:
    neurons offset .. offset+size-1 of the population (a slice of it when
    `offset` is given or `size` is less than the population's). With a
    `range [%lo, %hi)` (one thread's share, added by the CPU target's
    partitioning) for lo .. hi-1 only. `elementwise` promises that
    iteration j touches only element j of every buffer it reads or writes,
    which makes passes over the same neurons fusable
    (`snn-fuse-neuron-passes`) and lets LLVM vectorise.

    ```mlir
    snn.for_each_neuron "N" size 4000 elementwise {
    ^bb0(%j: index):
      ...
    }
    snn.for_each_neuron "N" offset 3200 size 800 elementwise { ... }
    snn.for_each_neuron "N" size 4000 range [%lo, %hi) elementwise { ... }
    ```
  }];
  let arguments = (ins Variadic<Index>:$range, StrAttr:$population,
                       DefaultValuedAttr<I64Attr, "0">:$offset,
                       I64Attr:$size, UnitAttr:$elementwise);
  let regions = (region SizedRegion<1>:$body);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let skipDefaultBuilders = 1;
  let builders = [OpBuilder<(ins "::llvm::StringRef":$population,
                                 "int64_t":$offset, "int64_t":$size,
                                 "bool":$elementwise,
                                 CArg<"::mlir::ValueRange", "{}">:$range)>];
}

def Snn_IntegrateOp : Snn_Op<"integrate", [Pure,
    AttrSizedOperandSegments]> {
  let summary = "One time step of a system dX/dt = F(X, t)";
  let description = [{
    The values of `states` after one step of `dt` milliseconds, given the
    right-hand sides `rhs` (one per state) computed from the state values
    `states` and, optionally, the time `time` at the start of the step.
    `snn-integrate` replaces it by the method's formula:

    - euler:      x + dt * f
    - exp_euler:  x + dt * exprel(dt * J) * f per state, J = df/dx (the
                  diagonal of the Jacobian), derived symbolically from the
                  ops that compute f (brainstate's exponential Euler)
    - rk2:        the midpoint method (f re-evaluated at x + dt/2 * k1)
    - rk4:        the classic fourth-order Runge-Kutta method

    For rk2 and rk4 the ops computing `rhs` from `states` (and `time`) are
    cloned for each stage with the stage's values substituted.

    ```mlir
    %v1 = snn.integrate exp_euler (%v0) rhs (%f) dt 1.000000e-01 : f32
    %x1, %y1 = snn.integrate rk4 (%x, %y) rhs (%fx, %fy) time %t
        dt 1.000000e-01 : f32, f32
    ```
  }];
  let arguments = (ins Variadic<AnyFloat>:$states, Variadic<AnyFloat>:$rhs,
                       Optional<AnyFloat>:$time, Snn_IntegratorAttr:$method,
                       F64Attr:$dt);
  let results = (outs Variadic<AnyFloat>:$results);
  // The types after `:` are the states' (and so the right-hand sides',
  // the results' and the time's).
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let builders = [OpBuilder<(ins "::mlir::ValueRange":$states,
      "::mlir::ValueRange":$rhs, "::mlir::Value":$time,
      "::snnc::model::Integrator":$method, "double":$dt)>];
}

def Snn_ExprelOp : Snn_Op<"exprel", [Pure, SameOperandsAndResultType]> {
  let summary = "(exp(x) - 1) / x, and 1 at x = 0";
  let description = [{
    Folds on a constant operand in double precision, rounded once to the
    result type, so the value does not depend on the host's libm in float.
  }];
  let arguments = (ins AnyFloat:$input);
  let results = (outs AnyFloat:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
  let hasFolder = 1;
}

def Snn_ParamOp : Snn_Op<"param", [Pure]> {
  let summary = "A scalar of the model that the program reads at run time";
  let description = [{
    A parameter value, a weight, a drive, or a constant expression of them
    that the language folds in double precision: scalar `slot` of the run's
    values, named for readability. `snn-outline-parameters` moves every
    computation on these scalars out of the program (the host does it once
    per run, folding as the compiler folds constants) and replaces its
    results by loads from the `params` buffer.

    ```mlir
    %v = snn.param 3 "N.V_th" : f32
    ```
  }];
  let arguments = (ins I64Attr:$slot, StrAttr:$name);
  let results = (outs AnyFloat:$result);
  let assemblyFormat = "$slot $name attr-dict `:` type($result)";
}

def Snn_PropagateOp : Snn_Op<"propagate",
    [SingleBlockImplicitTerminator<"YieldOp">]> {
  let summary = "Deliver the spikes of the previous step, event by event";
  let description = [{
    For every neuron index in `spikes[0 .. count[0])` that lies in the
    projection's source slice [source_begin, source_end), the body runs once
    for each of its synapses, in CSR order (`row_start`, `targets`), with the
    target's index and the synapse's index. Only spiking sources do work.

    The row table has `partitions` entries per source row (P, one per
    partition of the target population in the layout; 1 by default): each
    row is sorted by target, and row r's synapses onto partition u are
    `[row_start[r*P + u], row_start[r*P + u + 1])`, so its whole row is
    `[row_start[r*P], row_start[(r+1)*P])`.

    Partitioned (`bounds %bounds parts [%first, %end)`, added by the CPU
    target for one thread): the spike list has one segment per partition
    u, starting at `bounds[u]` (its first neuron) with `count[16 u]`
    entries; the segments are read in order, so spikes arrive in ascending
    source order as with one partition. A thread that steps partitions
    [first, end) delivers along `[row_start[r*P + first], row_start[r*P +
    end])`, the synapses onto its own neurons.

    ```mlir
    snn.propagate %list, %count through %rows, %targets
        source [0, 3200) {
    ^bb0(%target: index, %synapse: index):
      ...
    }
    ```
  }];
  let arguments = (ins MemRefRankOf<[I32], [1]>:$spikes,
                       MemRefRankOf<[I32], [1]>:$count,
                       MemRefRankOf<[I32], [1]>:$rowStart,
                       MemRefRankOf<[I32], [1]>:$targets,
                       Variadic<AnyType>:$partition,
                       I64Attr:$sourceBegin, I64Attr:$sourceEnd,
                       DefaultValuedAttr<I64Attr, "1">:$partitions);
  let regions = (region SizedRegion<1>:$body);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let skipDefaultBuilders = 1;
  let builders = [OpBuilder<(ins "::mlir::Value":$spikes,
      "::mlir::Value":$count, "::mlir::Value":$rowStart,
      "::mlir::Value":$targets, "int64_t":$sourceBegin,
      "int64_t":$sourceEnd, CArg<"int64_t", "1">:$partitions,
      CArg<"::mlir::Value", "{}">:$bounds,
      CArg<"::mlir::Value", "{}">:$partsBegin,
      CArg<"::mlir::Value", "{}">:$partsEnd)>];
}

def Snn_CompactOp : Snn_Op<"compact", [AttrSizedOperandSegments]> {
  let summary = "List the neurons whose spike flag is set";
  let description = [{
    Writes the indices j with `flags[j] != 0`, ascending, to `spikes` and
    their number to `count[0]`. `flags` holds one byte per neuron padded
    with zeros to whole 8-byte words, so that words of eight silent neurons
    are skipped with one load. With recording operands, also appends them
    to `record_indices` at `record_fill[0]` and stores the count at
    `record_counts[local_step]`.

    One thread's share (`part(%lo, %hi, %s)`, the neurons of the
    partitions it steps): only flags lo .. hi-1 (lo a multiple of 8) are
    read, the list is written from `spikes[lo]`, the count goes to
    `count[s]`, and the recording appends at `record_fill[s]`.
  }];
  let arguments = (ins MemRefRankOf<[I8], [1]>:$flags,
                       MemRefRankOf<[I32], [1]>:$spikes,
                       MemRefRankOf<[I32], [1]>:$count,
                       Variadic<Index>:$part,
                       Optional<MemRefRankOf<[I32], [1]>>:$recordIndices,
                       Optional<MemRefRankOf<[I32], [1]>>:$recordCounts,
                       Optional<MemRefRankOf<[I32], [1]>>:$recordFill,
                       Optional<Index>:$localStep);
  let assemblyFormat = [{
    $flags `into` $spikes `,` $count
    (`part` `(` $part^ `)`)?
    (`record` $recordIndices^ `,` $recordCounts `,` $recordFill `at`
     $localStep)? attr-dict `:` type($flags) `,` type($spikes) `,`
     type($count) (`,` type($recordIndices)^ `,` type($recordCounts) `,`
     type($recordFill))?
  }];
  let hasVerifier = 1;
}

def Snn_RecordStateOp : Snn_Op<"record_state"> {
  let summary = "Keep this step's value of a state, for a recording";
  let description = [{
    `buffer[local_step * size + j] = source[offset + j]` for j = 0 ..
    size-1: neurons offset .. offset+size-1 of the population, after the
    step's neuron passes, into row `local_step` of a recording buffer that
    holds a chunk of steps. With a `range [%lo, %hi)` (one thread's share)
    for j = lo .. hi-1 only.

    ```mlir
    snn.record_state "N" %v offset 0 size 10 into %rec at %step
        : memref<4000xf32>, memref<1000xf32>
    ```
  }];
  let arguments = (ins MemRefRankOf<[AnyFloat], [1]>:$source,
                       MemRefRankOf<[AnyFloat], [1]>:$buffer,
                       Index:$localStep, Variadic<Index>:$range,
                       StrAttr:$population, I64Attr:$offset, I64Attr:$size);
  let assemblyFormat = [{
    $population $source `offset` $offset `size` $size `into` $buffer `at`
    $localStep custom<NeuronRange>($range) attr-dict `:` type($source) `,`
    type($buffer)
  }];
  let hasVerifier = 1;
}

def Snn_BarrierOp : Snn_Op<"barrier"> {
  let summary = "Wait until every thread of the run has arrived";
  let description = [{
    Multi-threaded runs meet here between the phases of a step: after
    delivering the previous step's spikes (before any thread lists new
    ones) and after listing them (before any thread delivers them). The
    operand is the barrier's state (runtime/ThreadTeam.h); it lowers to a
    call of `snnc_barrier_wait`.
  }];
  let arguments = (ins MemRefRankOf<[I32], [1]>:$state);
  let assemblyFormat = "$state attr-dict `:` type($state)";
}

#endif // SNN_OPS_TD
