// The process exit codes every command returns (`hopnhat help exit-codes`). In base, not in the
// CLI, because code below it ends the process too: a sync whose plugin's destructor throws ends
// from sync's run guard with the outcome it recorded, and `hopnhat serve` returns them.
#pragma once

namespace hopnhat::base {

enum ExitCode : int { kExitOk = 0, kExitFailed = 1, kExitUsage = 2, kExitPartial = 3, kExitLocked = 4 };

}  // namespace hopnhat::base
