# Warnings, -march=native and sanitizers for qsim's own targets (tests,
# examples, benchmarks). Never put on the INTERFACE targets: users choose
# their own flags.

# Warnings and sanitizers, no -march: for the prebuilt kernel library, which
# must run on any CPU, and for programs that are installed.
function(qsim_configure_library target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12 reports false "may be used uninitialized" inside its own AVX-512
    # intrinsic headers when Eigen's vectorised code is inlined (GCC bug 105593).
    target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
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

# A program of ours that is never installed: also -march=native (QSIM_NATIVE).
function(qsim_configure_program target)
  qsim_configure_library(${target})
  if(QSIM_NATIVE)
    target_compile_options(${target} PRIVATE -march=native)
  endif()
endfunction()
