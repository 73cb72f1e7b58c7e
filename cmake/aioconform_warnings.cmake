# Warnings are set per target (never globally), so consumers of our headers are not affected.
function(aioconform_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
    -Wno-sign-conversion -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual)
  if(AIOCONFORM_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
