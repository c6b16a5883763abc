// A plugin stamped with ABI 99 although its manifest claims the current ABI: the host must refuse
// it from the file's stamp, before dlopen could run any of its code. Its static initialiser
// leaves a mark in the environment, so a test sees whether the host ran it.
#include <cstdlib>

#include "minimal_importer.hpp"

namespace {
const bool kRan = [] { return ::setenv("HOPNHAT_TEST_WRONG_ABI_INITIALISED", "1", 1) == 0; }();
}

extern "C" BOOST_SYMBOL_EXPORT const int hopnhat_plugin_abi_version;
extern "C" BOOST_SYMBOL_EXPORT const int hopnhat_plugin_abi_version = 99;
HOPNHAT_IMPORTER(MinimalImporter)
