// Stamped, but its manifest promises an exporter that the library does not export.
#include "minimal_importer.hpp"
HOPNHAT_PLUGIN_ABI()
HOPNHAT_IMPORTER(MinimalImporter)
