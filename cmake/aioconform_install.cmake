# Installs the aioconform command, the model library (aioconform::model, with
# aioconform::format that it needs) and a package config, so that
#   find_package(aioconform)
# gives a runtime author the command (aioconform::aioconform), the model to check traces
# in-process, and aioconform_add_conformance_tests (cmake/aioconform_conformance.cmake).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(AIOCONFORM_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/aioconform)

# Installed headers keep their source paths: #include "spec/model/check.h".
foreach(lib aioconform_format aioconform_model)
  target_include_directories(${lib} PUBLIC $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
endforeach()
set_target_properties(aioconform_format PROPERTIES EXPORT_NAME format)
set_target_properties(aioconform_model PROPERTIES EXPORT_NAME model)
set_target_properties(aioconform PROPERTIES EXPORT_NAME aioconform)

install(TARGETS aioconform aioconform_format aioconform_model
  EXPORT aioconform-targets
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/format/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/format
  FILES_MATCHING PATTERN "*.h")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/spec/model/
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/spec/model FILES_MATCHING PATTERN "*.h")
install(EXPORT aioconform-targets NAMESPACE aioconform::
  DESTINATION ${AIOCONFORM_INSTALL_CMAKEDIR})

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/aioconformConfig.cmake.in
  ${PROJECT_BINARY_DIR}/aioconformConfig.cmake
  INSTALL_DESTINATION ${AIOCONFORM_INSTALL_CMAKEDIR}
  PATH_VARS CMAKE_INSTALL_DATADIR)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/aioconformConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/aioconformConfig.cmake
  ${PROJECT_BINARY_DIR}/aioconformConfigVersion.cmake
  ${PROJECT_SOURCE_DIR}/cmake/aioconform_conformance.cmake
  DESTINATION ${AIOCONFORM_INSTALL_CMAKEDIR})

# The Python adapter, for runtime authors whose runtime is an asyncio event loop in Python.
install(FILES ${PROJECT_SOURCE_DIR}/adapters/python/aioconform_adapter.py
  DESTINATION ${CMAKE_INSTALL_DATADIR}/aioconform)
