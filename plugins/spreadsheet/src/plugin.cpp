// Exports the spreadsheet importer and the XLSX exporter through the SDK's boundary macros.
#include "sheet_plugin.hpp"

HOPNHAT_PLUGIN_ABI()
HOPNHAT_IMPORTER(hopnhat_sheet::SheetImporter)
HOPNHAT_EXPORTER(hopnhat_sheet::XlsxExporter)
