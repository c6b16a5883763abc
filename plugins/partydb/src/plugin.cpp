// Exports the party-database importer through the SDK's boundary macros.
#include "partydb_importer.hpp"

HOPNHAT_PLUGIN_ABI()
HOPNHAT_IMPORTER(hopnhat_partydb::PartyDbImporter)
