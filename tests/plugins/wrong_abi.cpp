// A plugin stamped with ABI 99 although its manifest claims the current ABI: the host must refuse
// it when it reads the stamp, before calling anything else.
#include "minimal_importer.hpp"

extern "C" BOOST_SYMBOL_EXPORT const int hopnhat_plugin_abi_version;
extern "C" BOOST_SYMBOL_EXPORT const int hopnhat_plugin_abi_version = 99;
HOPNHAT_IMPORTER(MinimalImporter)
