# aioconform_add_valgrind_test(NAME TARGET [ENVIRONMENT K=V...] [ARGS arg...])
# Runs TARGET under valgrind's memcheck as one ctest test, labelled `valgrind`, which fails
# on any memory error or leaked block (issue 4: the reference runtime is valgrind clean).
# impl's frame pool hands every block to ::operator new under valgrind, so each coroutine
# frame is seen. Not registered in a sanitized build: valgrind cannot run ASan binaries,
# and that build has LeakSanitizer instead. Without valgrind the test fails and says so:
# scripts/setup installs it.
find_program(AIOCONFORM_VALGRIND valgrind)

function(aioconform_add_valgrind_test name target)
  cmake_parse_arguments(ARG "" "" "ENVIRONMENT;ARGS" ${ARGN})
  if(AIOCONFORM_SANITIZE OR AIOCONFORM_FUZZ)
    return()
  endif()
  if(AIOCONFORM_VALGRIND)
    add_test(NAME ${name}
      COMMAND ${AIOCONFORM_VALGRIND} --quiet --error-exitcode=99 --leak-check=full
              --show-leak-kinds=definite,indirect,possible
              --errors-for-leak-kinds=definite,indirect,possible
              $<TARGET_FILE:${target}> ${ARG_ARGS})
  else()
    add_test(NAME ${name} COMMAND sh -c
      "echo '${name}: valgrind not found; scripts/setup installs it (Debian package valgrind)' >&2; exit 1")
  endif()
  set_tests_properties(${name} PROPERTIES LABELS "valgrind" ENVIRONMENT "${ARG_ENVIRONMENT}")
endfunction()
