//===- SanitizerDefaults.cpp - Run-time options of sanitized binaries -----===//
//
// Linked into every executable of a SNNC_SANITIZE or SNNC_FUZZ tree (see
// SnncOptions.cmake). The sanitizer runtimes call these hooks before main,
// so the tests, the fuzzers and a binary run by hand all check the same way;
// ASAN_OPTIONS, UBSAN_OPTIONS and LSAN_OPTIONS still override them.
//
//===----------------------------------------------------------------------===//

#define SNNC_SANITIZER_HOOK extern "C" __attribute__((visibility("default"), used))

// allocator_may_return_null: snnc turns a failed large allocation into a
//   diagnostic (nothrow new, malloc); ASan's default would abort instead
//   and hide what a plain build does.
// check_initialization_order: static constructors that read another file's
//   globals are caught, at no cost per access.
// detect_leaks: on. Leaks in snnc's own code are bugs; LLVM's and MLIR's
//   process-lifetime state is reachable from globals, which LeakSanitizer
//   does not report, so no suppressions are needed (the list below is
//   where one would go, with the reason).
SNNC_SANITIZER_HOOK const char *__asan_default_options() {
  return "allocator_may_return_null=1:check_initialization_order=1:"
         "detect_leaks=1:print_summary=1"
#ifdef SNNC_LLVM_SYMBOLIZER
         ":external_symbolizer_path=" SNNC_LLVM_SYMBOLIZER
#endif
      ;
}

SNNC_SANITIZER_HOOK const char *__ubsan_default_options() {
  return "print_stacktrace=1"
#ifdef SNNC_LLVM_SYMBOLIZER
         ":external_symbolizer_path=" SNNC_LLVM_SYMBOLIZER
#endif
      ;
}

SNNC_SANITIZER_HOOK const char *__lsan_default_suppressions() { return ""; }
