# Configures and builds a sub-build (a test's own build folder with other compiler flags).
#   cmake -DSOURCE=dir -DBINARY=dir -DARGS="-D...;-D..." -DTARGETS="a;b" -P sub_build.cmake
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE} -B ${BINARY} ${ARGS}
                RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "configuring ${BINARY} failed")
endif()
foreach(target ${TARGETS})
  execute_process(COMMAND ${CMAKE_COMMAND} --build ${BINARY} -j2 --target ${target}
                  RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "building ${target} in ${BINARY} failed")
  endif()
endforeach()
