# Functions for plugin projects; the same file serves the bundled plugins in the hopnhat tree and
# outside projects that did find_package(hopnhat).
#
# hopnhat_add_plugin(<target> MANIFEST <name.plugin.json> SOURCES <src>... [NO_INSTALL])
#   Builds <target> as a loadable module lib<target>.so against hopnhat::sdk only, with hidden
#   symbols, and writes the manifest beside it with "library" and "abi" filled in. The output
#   folder is HOPNHAT_PLUGIN_OUTPUT_DIR when set, else the project's binary folder; `install()`
#   puts both under lib/hopnhat/plugins.
#
# hopnhat_add_conformance_test(<target> [IMPORTER_OPTIONS <json>] [EXPORTER_OPTIONS <json>]
#                              [ROUNDTRIP_OPTIONS <json>] [EXPECTED_RECORDS <file>]
#                              [CHECK_TIMEOUT <s>] [TIMEOUT <s>] [HOST <path>]
#                              [WORKING_DIRECTORY <dir>])
#   Adds a CTest test that runs the hopnhat testkit against the plugin built by <target>.
#   The options are JSON text (or a path to a .json file) as a configuration would give them;
#   ROUNDTRIP_OPTIONS are importer options that read back what the exporter wrote;
#   EXPECTED_RECORDS a JSON array of the records IMPORTER_OPTIONS must read (relative to the
#   current source folder). The plugin runs in a child `hopnhat plugin-host`: CHECK_TIMEOUT
#   (default 60) is the deadline of one op, a whole read or a whole export; TIMEOUT (default
#   600) is CTest's limit for the whole test. HOST is the hopnhat program; by default the one
#   built in this tree, else the installed one beside hopnhat-testkit.

function(hopnhat_add_plugin target)
  cmake_parse_arguments(ARG "NO_INSTALL" "MANIFEST" "SOURCES" ${ARGN})
  if(NOT ARG_MANIFEST)
    message(FATAL_ERROR "hopnhat_add_plugin(${target}): MANIFEST is required")
  endif()
  if(DEFINED HOPNHAT_PLUGIN_OUTPUT_DIR)
    set(outdir ${HOPNHAT_PLUGIN_OUTPUT_DIR})
  else()
    set(outdir ${PROJECT_BINARY_DIR})
  endif()
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE hopnhat::sdk)
  set_target_properties(${target} PROPERTIES
    PREFIX "lib" SUFFIX ".so"
    CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON
    LIBRARY_OUTPUT_DIRECTORY ${outdir})

  get_filename_component(manifest_path ${ARG_MANIFEST} ABSOLUTE)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${manifest_path})
  file(READ ${manifest_path} manifest)
  string(JSON plugin_name ERROR_VARIABLE err GET "${manifest}" name)
  if(err)
    message(FATAL_ERROR "${manifest_path}: the manifest needs a \"name\" (${err})")
  endif()
  string(JSON manifest SET "${manifest}" library "\"lib${target}.so\"")
  string(JSON manifest SET "${manifest}" abi "${hopnhat_ABI_VERSION}")
  # Written as is (file(CONFIGURE) would expand ${…} and @X@ inside a description or a schema),
  # and only when it changed, so an unchanged manifest does not look new to make or ninja.
  file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/${plugin_name}.plugin.json.new "${manifest}\n")
  file(MAKE_DIRECTORY ${outdir})  # a fresh build folder has none yet
  file(COPY_FILE ${CMAKE_CURRENT_BINARY_DIR}/${plugin_name}.plugin.json.new ${outdir}/${plugin_name}.plugin.json ONLY_IF_DIFFERENT)
  set_target_properties(${target} PROPERTIES HOPNHAT_PLUGIN_NAME ${plugin_name}
                                             HOPNHAT_PLUGIN_MANIFEST ${outdir}/${plugin_name}.plugin.json)
  if(ARG_NO_INSTALL)
    return()
  endif()
  include(GNUInstallDirs)
  install(TARGETS ${target} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/hopnhat/plugins)
  install(FILES ${outdir}/${plugin_name}.plugin.json DESTINATION ${CMAKE_INSTALL_LIBDIR}/hopnhat/plugins)
endfunction()

function(hopnhat_add_conformance_test target)
  cmake_parse_arguments(ARG "" "IMPORTER_OPTIONS;EXPORTER_OPTIONS;ROUNDTRIP_OPTIONS;EXPECTED_RECORDS;CHECK_TIMEOUT;TIMEOUT;HOST;WORKING_DIRECTORY" "" ${ARGN})
  get_target_property(manifest ${target} HOPNHAT_PLUGIN_MANIFEST)
  set(args --manifest ${manifest})
  if(ARG_IMPORTER_OPTIONS)
    list(APPEND args --importer-options "${ARG_IMPORTER_OPTIONS}")
  endif()
  if(ARG_EXPORTER_OPTIONS)
    list(APPEND args --exporter-options "${ARG_EXPORTER_OPTIONS}")
  endif()
  if(ARG_ROUNDTRIP_OPTIONS)
    list(APPEND args --roundtrip-options "${ARG_ROUNDTRIP_OPTIONS}")
  endif()
  if(ARG_EXPECTED_RECORDS)
    get_filename_component(expected ${ARG_EXPECTED_RECORDS} ABSOLUTE)
    list(APPEND args --expected-records ${expected})
  endif()
  if(NOT ARG_CHECK_TIMEOUT)
    set(ARG_CHECK_TIMEOUT 60)
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 600)
  endif()
  list(APPEND args --timeout ${ARG_CHECK_TIMEOUT})
  # In the hopnhat tree the host is the hopnhat just built; an installed package exports only the
  # SDK and the testkit, whose default is the hopnhat installed beside it.
  if(ARG_HOST)
    list(APPEND args --host ${ARG_HOST})
  elseif(TARGET hopnhat)
    list(APPEND args --host $<TARGET_FILE:hopnhat>)
  endif()
  if(NOT ARG_WORKING_DIRECTORY)
    set(ARG_WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR})
  endif()
  add_test(NAME conformance.${target} COMMAND $<TARGET_FILE:hopnhat::testkit> ${args} WORKING_DIRECTORY ${ARG_WORKING_DIRECTORY})
  set_tests_properties(conformance.${target} PROPERTIES LABELS conformance TIMEOUT ${ARG_TIMEOUT})
endfunction()
