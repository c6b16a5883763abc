// A shared library with a manifest but without the ABI stamp: not a hopnhat plugin.
#include "minimal_importer.hpp"
HOPNHAT_IMPORTER(MinimalImporter)
