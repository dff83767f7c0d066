# Compiler flags for snnc's own targets: strict warnings as errors, no
# exceptions (Debian's LLVM is built without them), RTTI kept on to match it.
function(snnc_target_options target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Werror -Wno-unused-parameter
    $<$<COMPILE_LANGUAGE:CXX>:-fno-exceptions>)
endfunction()

# LLVM/MLIR headers trigger warnings we do not own: include them as system.
function(snnc_use_llvm target)
  target_include_directories(${target} SYSTEM PUBLIC ${LLVM_INCLUDE_DIRS})
  target_compile_definitions(${target} PUBLIC ${LLVM_DEFINITIONS})
  target_link_libraries(${target} PUBLIC LLVM)
endfunction()
