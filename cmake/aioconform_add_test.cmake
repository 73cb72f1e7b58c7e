include(GoogleTest)

# aioconform_add_test(NAME SOURCES file... [LIBS lib...] [LABELS label...])
# One GoogleTest executable, its cases discovered into ctest.
function(aioconform_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    AIOCONFORM_SOURCE_DIR="${AIOCONFORM_SOURCE_DIR}"
    AIOCONFORM_BINARY_DIR="${CMAKE_BINARY_DIR}")
  # Test-only helpers are included as "tests/<folder>/<helper>.h".
  target_include_directories(${name} PRIVATE ${AIOCONFORM_SOURCE_DIR})
  aioconform_set_warnings(${name})
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60)
  # Discovered tests take their labels from the directory: gtest_discover_tests cannot
  # pass a list-valued LABELS property through to the tests it generates.
  set_property(DIRECTORY APPEND PROPERTY LABELS unit ${ARG_LABELS})
endfunction()
