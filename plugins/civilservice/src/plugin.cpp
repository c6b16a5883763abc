// Exports the civil-service importer and exporter through the SDK's boundary macros.
#include "civil.hpp"

HOPNHAT_PLUGIN_ABI()
HOPNHAT_IMPORTER(hopnhat_civil::CivilImporter)
HOPNHAT_EXPORTER(hopnhat_civil::CivilExporter)
