# Configures, builds and runs tests/consumer. MODE=find_package first installs
# qsim into a fresh prefix under WORK; MODE=add_subdirectory uses the source.
# Both build the prebuilt kernels with the baseline instruction set only: the
# consumers test the packaging, test_kernels tests every build.
file(REMOVE_RECURSE ${WORK})
set(consumer_args -DQSIM_CONSUMER_MODE=${MODE} -DQSIM_SOURCE=${QSIM_SOURCE} -DQSIM_KERNEL_BUILDS=baseline)
if(MODE STREQUAL "find_package")
  execute_process(COMMAND ${CMAKE_COMMAND} -S ${QSIM_SOURCE} -B ${WORK}/qsim-build -DCMAKE_INSTALL_PREFIX=${WORK}/prefix
                          -DQSIM_BUILD_TESTS=OFF -DQSIM_BUILD_EXAMPLES=OFF -DQSIM_BUILD_BENCH=OFF -DQSIM_INSTALL=ON
                          -DQSIM_BUILD_CLI=OFF -DQSIM_BUILD_PYTHON=OFF
                          -DQSIM_KERNEL_BUILDS=baseline
                  RESULT_VARIABLE rc)
  if(rc)
    message(FATAL_ERROR "configuring qsim for install failed")
  endif()
  execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK}/qsim-build RESULT_VARIABLE rc)
  if(rc)
    message(FATAL_ERROR "building qsim (the prebuilt kernels) for install failed")
  endif()
  execute_process(COMMAND ${CMAKE_COMMAND} --install ${WORK}/qsim-build RESULT_VARIABLE rc)
  if(rc)
    message(FATAL_ERROR "installing qsim failed")
  endif()
  list(APPEND consumer_args -DCMAKE_PREFIX_PATH=${WORK}/prefix)
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S ${QSIM_SOURCE}/tests/consumer -B ${WORK}/consumer-build ${consumer_args}
                RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "configuring the consumer (${MODE}) failed")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK}/consumer-build RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "building the consumer (${MODE}) failed")
endif()
foreach(program consumer consumer_core consumer_core_prebuilt)
  execute_process(COMMAND ${WORK}/consumer-build/${program} RESULT_VARIABLE rc)
  if(rc)
    message(FATAL_ERROR "the consumer program ${program} (${MODE}) returned ${rc}")
  endif()
endforeach()
