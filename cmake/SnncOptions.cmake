# Compiler flags for snnc's own targets, and the two checking builds.
#
#   SNNC_SANITIZE=ON   snnc's own code under AddressSanitizer and
#                      UndefinedBehaviorSanitizer (scripts/test.sh builds it
#                      in build-asan/ and runs the whole suite there)
#   SNNC_FUZZ=ON       the libFuzzer targets of tests/fuzz (clang only): the
#                      tree holds just the front end, the parameter overrides
#                      and the fuzzers (scripts/test.sh: build-fuzz/)
#
# Only code built here is instrumented: Debian's libLLVM/libMLIR and the code
# the JIT emits are not. ASan needs no instrumented libraries to catch misuse
# of memory that our code touches.

option(SNNC_SANITIZE
  "Build snnc's code with -fsanitize=address,undefined,float-cast-overflow" OFF)
option(SNNC_FUZZ
  "Build only the front end and the libFuzzer targets (needs clang)" OFF)

if(SNNC_SANITIZE AND SNNC_FUZZ)
  message(FATAL_ERROR "SNNC_SANITIZE and SNNC_FUZZ are separate trees: "
                      "choose one (SNNC_FUZZ already sanitizes)")
endif()

# -fno-sanitize-recover: the first finding fails the test that made it,
# instead of a line in a log that passes. -O1 and line tables only keep the
# MLIR-heavy translation units cheap to build (this tree is built on every
# CI run) while stack traces still name file and line.
set(SNNC_SANITIZER_FLAGS
  -fsanitize=address,undefined,float-cast-overflow
  -fno-sanitize-recover=all -fno-omit-frame-pointer -O1)
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  list(APPEND SNNC_SANITIZER_FLAGS -gline-tables-only)
else()
  list(APPEND SNNC_SANITIZER_FLAGS -g1)
endif()

if(SNNC_SANITIZE)
  add_compile_options(${SNNC_SANITIZER_FLAGS})
  add_link_options(-fsanitize=address,undefined,float-cast-overflow)
endif()

if(SNNC_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "SNNC_FUZZ needs clang (libFuzzer): configure with "
                        "CC=clang CXX=clang++")
  endif()
  # Libraries get coverage instrumentation without libFuzzer's main; the
  # fuzzers themselves link -fsanitize=fuzzer (tests/fuzz).
  add_compile_options(-fsanitize=fuzzer-no-link ${SNNC_SANITIZER_FLAGS})
  add_link_options(-fsanitize=address,undefined,float-cast-overflow)
endif()

# Run-time defaults of the sanitized binaries, linked into every executable,
# so that a test, a fuzzer and a developer running a binary by hand all get
# the same checks (ASAN_OPTIONS and friends still override them).
find_program(SNNC_LLVM_SYMBOLIZER llvm-symbolizer
  HINTS ${LLVM_TOOLS_BINARY_DIR} /usr/lib/llvm-19/bin)
set(SNNC_SANITIZER_DEFAULTS ${CMAKE_CURRENT_LIST_DIR}/SanitizerDefaults.cpp)

# Compiler flags for snnc's own targets: strict warnings as errors, no
# exceptions (Debian's LLVM is built without them), RTTI kept on to match it.
function(snnc_target_options target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Werror -Wno-unused-parameter
    $<$<COMPILE_LANGUAGE:CXX>:-fno-exceptions>)
  # GCC's sanitizer instrumentation makes -Wmaybe-uninitialized misfire in
  # LLVM's headers (unique_function's storage union, via ORC): off there
  # only; the plain build keeps it.
  if(SNNC_SANITIZE AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
  endif()
  get_target_property(type ${target} TYPE)
  if((SNNC_SANITIZE OR SNNC_FUZZ) AND type STREQUAL "EXECUTABLE")
    target_sources(${target} PRIVATE ${SNNC_SANITIZER_DEFAULTS})
    if(SNNC_LLVM_SYMBOLIZER)
      # Source properties are per directory: set (not appended) once each.
      set_property(SOURCE ${SNNC_SANITIZER_DEFAULTS} PROPERTY
        COMPILE_DEFINITIONS SNNC_LLVM_SYMBOLIZER="${SNNC_LLVM_SYMBOLIZER}")
    endif()
  endif()
endfunction()

# LLVM/MLIR headers trigger warnings we do not own: include them as system.
function(snnc_use_llvm target)
  target_include_directories(${target} SYSTEM PUBLIC ${LLVM_INCLUDE_DIRS})
  target_compile_definitions(${target} PUBLIC ${LLVM_DEFINITIONS})
  target_link_libraries(${target} PUBLIC LLVM)
endfunction()
