# The classifier example trained in one process and data-parallel under
# mpiexec with RANKS ranks prints the same epochs and final accuracy (timing
# and energy lines differ from run to run and are not compared). -DEXE=... -DMPIEXEC=... -DNP_FLAG=... -DRANKS=... -DWORK=...
file(MAKE_DIRECTORY ${WORK})
execute_process(COMMAND ${EXE} WORKING_DIRECTORY ${WORK} OUTPUT_VARIABLE one RESULT_VARIABLE rc_one)
execute_process(COMMAND ${MPIEXEC} ${NP_FLAG} ${RANKS} ${EXE} WORKING_DIRECTORY ${WORK} OUTPUT_VARIABLE many
                RESULT_VARIABLE rc_many)
if(NOT rc_one EQUAL 0 OR NOT rc_many EQUAL 0)
  message(FATAL_ERROR "vqc_classifier failed: one process ${rc_one}, ${RANKS} ranks ${rc_many}\n${one}\n${many}")
endif()
string(REGEX MATCHALL "(epoch [^\n]*|test_accuracy: [^\n]*)\n" one "${one}")
string(REGEX MATCHALL "(epoch [^\n]*|test_accuracy: [^\n]*)\n" many "${many}")
if(NOT one MATCHES "test_accuracy: [0-9.]+")
  message(FATAL_ERROR "no test_accuracy line:\n${one}")
endif()
if(NOT one STREQUAL many)
  message(FATAL_ERROR "one process:\n${one}\n${RANKS} ranks:\n${many}")
endif()
message(STATUS "identical on 1 and ${RANKS} ranks:\n${many}")
