# Smoke run of examples/energy_report on a small register: it must exit 0,
# print its table and write a CSV with a header and one row per variant
# (20 with two or more threads, 10 with one) and an SVG chart with one bar each.
# Usage: cmake -DEXE=... -DWORK=... -P run_energy_example.cmake
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
execute_process(COMMAND ${EXE} 10 ${WORK}/energy RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "energy_report failed (${rc}): ${err}")
endif()
if(NOT out MATCHES "energy source: " OR NOT out MATCHES "circuit double unfused 1t" OR NOT out MATCHES "epoch float fused 1t"
   OR NOT out MATCHES "epoch ml-layer double 1t")
  message(FATAL_ERROR "energy_report did not print its table")
endif()
file(STRINGS ${WORK}/energy.csv rows)
list(LENGTH rows nrows)
list(GET rows 0 header)
if(NOT header MATCHES "^label,source,estimated,seconds," OR NOT (nrows EQUAL 21 OR nrows EQUAL 11))
  message(FATAL_ERROR "energy.csv: unexpected header or ${nrows} lines")
endif()
file(READ ${WORK}/energy.svg svg)
string(REGEX MATCHALL "<rect x=" bars "${svg}")
list(LENGTH bars nbars)
math(EXPR nvariants "${nrows} - 1")
if(NOT nbars EQUAL nvariants)
  message(FATAL_ERROR "energy.svg has ${nbars} bars for ${nvariants} variants")
endif()
