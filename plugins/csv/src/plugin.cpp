// Exports the CSV importer and exporter through the SDK's boundary macros.
#include "csv_plugin.hpp"

HOPNHAT_PLUGIN_ABI()
HOPNHAT_IMPORTER(hopnhat_csv::CsvImporter)
HOPNHAT_EXPORTER(hopnhat_csv::CsvExporter)
