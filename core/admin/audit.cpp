#include "admin/audit.hpp"

#include "admin/crypto.hpp"

namespace hopnhat::admin {

namespace {
const std::string kGenesis(64, '0');
}

std::string audit_hash(const store::AuditRow& r) {
  // Fields joined with a unit separator that cannot occur in them undetected: each is length-prefixed.
  std::string data;
  for (const std::string& part : {std::to_string(r.seq), r.at, r.actor, r.action, r.detail, r.prev_hash})
    data += std::to_string(part.size()) + ':' + part + '\x1f';
  return sha256_hex(data);
}

void audit(store::Store& store, const std::string& actor, const std::string& action, const nlohmann::json& detail) {
  store::AuditRow row;
  auto last = store.last_audit();
  row.seq = last ? last->seq + 1 : 1;
  row.prev_hash = last ? last->hash : kGenesis;
  row.at = now_iso();
  row.actor = actor;
  row.action = action;
  row.detail = detail.dump();
  row.hash = audit_hash(row);
  store.append_audit(row);
}

AuditCheck verify_audit(store::Store& store) {
  AuditCheck out;
  std::string prev = kGenesis;
  std::int64_t expected_seq = 1;
  for (std::int64_t after = 0;;) {
    auto rows = store.audit(after, 10000);
    if (rows.empty()) break;
    for (const auto& r : rows) {
      ++out.entries;
      auto broken = [&](const std::string& why) {
        out.first_broken = r.seq;
        out.problem = why;
      };
      if (r.seq != expected_seq) broken("entry " + std::to_string(expected_seq) + " is missing");
      else if (r.prev_hash != prev) broken("it does not follow the entry before it (an entry was changed, removed or inserted)");
      else if (audit_hash(r) != r.hash) broken("its content does not match its hash (it was changed after it was written)");
      if (out.first_broken) {
        if (r.seq != expected_seq) out.first_broken = expected_seq;
        return out;
      }
      prev = r.hash;
      ++expected_seq;
      after = r.seq;
    }
  }
  return out;
}

}  // namespace hopnhat::admin
