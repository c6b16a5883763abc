// StoreError: what every store backend throws when the database refuses or fails, with the
// backend's own message after the store's name. Kept apart from the backends' headers so that
// code that only catches it (or includes store.hpp) does not pull in <sqlite3.h> or <libpq-fe.h>.
// A plain exception type: copyable, and safe to throw from any thread.
#pragma once

#include <stdexcept>

namespace hopnhat::store {

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace hopnhat::store
