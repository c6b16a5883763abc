#include "report_exporter.hpp"

HOPNHAT_PLUGIN_ABI()
HOPNHAT_EXPORTER(hopnhat_reports::ReportExporter)
