/* The program of EngineTest.cpp (CountingProgram, without the NaN) as a
 * shared library with the CPU target's packed entry points: what the
 * runtime loads from a bundle, made here without the compiler. */
#include <stdint.h>

enum { V, List, Count, RecIndices, RecCounts, RecFill, RecV, Buffers };
enum { Neurons = 4 };

void _mlir_snn_init(void **args) {
  float *v = *(float **)args[V];
  for (int j = 0; j < Neurons; ++j)
    v[j] = 0;
}

void _mlir_snn_run(void **args) {
  float *v = *(float **)args[V];
  int32_t *indices = *(int32_t **)args[RecIndices];
  int32_t *counts = *(int32_t **)args[RecCounts];
  int32_t *fill = *(int32_t **)args[RecFill];
  float *recorded = *(float **)args[RecV];
  int64_t begin = *(int64_t *)args[Buffers];
  int64_t end = *(int64_t *)args[Buffers + 1];
  for (int64_t step = begin; step < end; ++step) {
    int64_t local = step - begin;
    for (int j = 0; j < Neurons; ++j)
      v[j] += 1;
    indices[(*fill)++] = (int32_t)(step % Neurons);
    counts[local] = 1;
    for (int j = 0; j < Neurons; ++j)
      recorded[local * Neurons + j] = v[j];
  }
}
