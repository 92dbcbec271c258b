# Warnings, -march=native and sanitizers for qsim's own targets (tests,
# examples, benchmarks). Never put on the INTERFACE target: users choose
# their own flags.
function(qsim_configure_target target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12 reports false "may be used uninitialized" inside its own AVX-512
    # intrinsic headers when Eigen's vectorised code is inlined (GCC bug 105593).
    target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
  endif()
  if(QSIM_NATIVE)
    target_compile_options(${target} PRIVATE -march=native)
  endif()
  if(QSIM_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
      # The same GCC 12 false positive (bug 105593) shows as -Wuninitialized at -O1.
      target_compile_options(${target} PRIVATE -Wno-uninitialized)
    endif()
  endif()
endfunction()

# A program of ours: flags as above, plus the kernels from the shared object
# (QSIM_SHARED_KERNELS) instead of compiling them in each of its files.
function(qsim_configure_program target)
  qsim_configure_target(${target})
  if(TARGET qsim_kernel_instances)
    target_compile_definitions(${target} PRIVATE QSIM_EXTERN_KERNELS)
    target_sources(${target} PRIVATE $<TARGET_OBJECTS:qsim_kernel_instances>)
  endif()
endfunction()
