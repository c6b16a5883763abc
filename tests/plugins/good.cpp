// A well-formed importer plugin, the control case of the host tests.
#include "minimal_importer.hpp"
HOPNHAT_PLUGIN_ABI()
HOPNHAT_IMPORTER(MinimalImporter)
