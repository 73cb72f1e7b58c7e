# aioconform_add_conformance_tests: live conformance runs of one runtime as ctest tests,
# one per clause family (gather, wait, wait_for, ...), labelled "conformance" so that
# `ctest -L conformance` runs them. For runtime authors: after find_package(aioconform),
#
#   aioconform_add_conformance_tests(myloop
#     RUNTIME_CMD "python3 -m myloop.aioconform_adapter"   # speaks the adapter protocol
#     CASES 200                # random scenarios per family (default 100)
#     SEED 1                   # fixed, so a failure reproduces (default 1)
#     FAMILIES gather wait     # default: every clause family of spec/SPEC.md
#     PROFILE 3.12             # default: from the version the runtime reports
#     ENV "PYTHONPATH=/src"    # extra environment for the runtime
#     LABELS mylabel)          # more labels
#
# Each test runs `aioconform check --runtime-cmd CMD --clauses 'FAMILY.*' --cases N
# --seed S`, which fails (exit 1) on a nonconformance and prints the command that replays
# it; findings go to <build>/aioconform-findings/NAME/. RUNTIME NAME (instead of
# RUNTIME_CMD) checks a runtime `aioconform runtimes` lists; ALL_RUNTIMES checks every
# runtime it lists. SKIP_UNLESS_ENV VAR makes each test skip (exit 77) unless VAR is set in
# ctest's environment, for runs too long for a default `ctest`.

set(AIOCONFORM_CLAUSE_FAMILIES
  as_completed gather loop run shield task taskgroup timeout wait wait_any wait_for
  CACHE INTERNAL "The clause families of spec/SPEC.md")

function(aioconform_add_conformance_tests name)
  cmake_parse_arguments(ARG "ALL_RUNTIMES"
                        "RUNTIME;RUNTIME_CMD;CASES;SEED;PROFILE;TIMEOUT;SKIP_UNLESS_ENV"
                        "FAMILIES;ENV;LABELS" ${ARGN})
  if(NOT ARG_RUNTIME AND NOT ARG_RUNTIME_CMD AND NOT ARG_ALL_RUNTIMES)
    message(FATAL_ERROR
      "aioconform_add_conformance_tests(${name}): give RUNTIME_CMD, RUNTIME or ALL_RUNTIMES")
  endif()
  if(NOT ARG_CASES)
    set(ARG_CASES 100)
  endif()
  if(NOT ARG_SEED)
    set(ARG_SEED 1)
  endif()
  if(NOT ARG_FAMILIES)
    set(ARG_FAMILIES ${AIOCONFORM_CLAUSE_FAMILIES})
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 600)
  endif()
  # Inside aioconform's own build the command is the target; elsewhere the imported one.
  if(TARGET aioconform::aioconform)
    set(program $<TARGET_FILE:aioconform::aioconform>)
  else()
    set(program $<TARGET_FILE:aioconform>)
  endif()
  if(ARG_SKIP_UNLESS_ENV)
    set(program sh -c "[ -n \"\$${ARG_SKIP_UNLESS_ENV}\" ] || exit 77 && exec \"\$@\"" sh
        ${program})
  endif()
  if(ARG_RUNTIME_CMD)
    set(runtime --runtime-cmd "${ARG_RUNTIME_CMD}" --runtime-name ${name})
  elseif(ARG_RUNTIME)
    set(runtime --runtime ${ARG_RUNTIME})
  else()
    set(runtime)
  endif()
  set(extra)
  foreach(kv IN LISTS ARG_ENV)
    list(APPEND extra --runtime-env "${kv}")
  endforeach()
  if(ARG_PROFILE)
    list(APPEND extra --profile ${ARG_PROFILE})
  endif()
  foreach(family IN LISTS ARG_FAMILIES)
    add_test(NAME conformance.${name}.${family}
      COMMAND ${program} check ${runtime} ${extra} --clauses "${family}.*"
              --cases ${ARG_CASES} --seed ${ARG_SEED}
              --findings ${CMAKE_BINARY_DIR}/aioconform-findings/${name}/${family})
    set_tests_properties(conformance.${name}.${family} PROPERTIES
      LABELS "conformance;${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT} SKIP_RETURN_CODE 77)
  endforeach()
endfunction()
