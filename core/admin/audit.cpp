#include "admin/audit.hpp"

#include <spdlog/spdlog.h>

#include <map>

#include "admin/audit_key.hpp"
#include "admin/crypto.hpp"
#include "base/iso_time.hpp"

namespace hopnhat::admin {

namespace {
const std::string kGenesis(64, '0');
const std::string kKeyed = "hmac:";

// Fields joined so that no two entries give the same text: each is length-prefixed.
std::string entry_text(const store::AuditRow& r) {
  std::string data;
  for (const std::string& part : {std::to_string(r.seq), r.at, r.actor, r.action, r.detail, r.prev_hash})
    data += std::to_string(part.size()) + ':' + part + '\x1f';
  return data;
}

bool keyed(const std::string& hash) { return hash.compare(0, kKeyed.size(), kKeyed) == 0; }

std::string with_commas(std::int64_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

// The audit head the newest committed run recorded in its report, if any.
std::optional<std::pair<std::int64_t, std::string>> last_run_audit_head(store::Store& store) {
  for (const auto& run : store.runs(50)) {
    if ((run.status != "succeeded" && run.status != "partial") || run.dry_run || run.report.empty()) continue;
    auto report = nlohmann::json::parse(run.report, nullptr, false);
    if (report.is_discarded() || !report.contains("audit_head")) continue;
    const auto& h = report["audit_head"];
    if (h.contains("seq") && h.contains("hash") && h["seq"].is_number_integer() && h["hash"].is_string())
      return std::make_pair(h["seq"].get<std::int64_t>(), h["hash"].get<std::string>());
  }
  return std::nullopt;
}

}  // namespace

std::string audit_hash(const store::AuditRow& r) { return sha256_hex(entry_text(r)); }

void audit(store::Store& store, const std::string& actor, const std::string& action, const nlohmann::json& detail) {
  store::AuditRow row;
  auto last = store.last_audit();
  row.seq = last ? last->seq + 1 : 1;
  row.prev_hash = last ? last->hash : kGenesis;
  row.at = base::now_iso();
  row.actor = actor;
  row.action = action;
  row.detail = detail.dump();
  std::shared_ptr<store::AuditSigner> signer = store.audit_signer();
  row.hash = signer ? kKeyed + signer->mac(entry_text(row)) : audit_hash(row);
  store.append_audit(row);
  if (signer)
    store.after_commit([signer, seq = row.seq, hash = row.hash] {
      // The entry is committed whatever happens here; a checkpoint left behind is reported by
      // `audit verify` as entries it cannot vouch for, not as a broken chain.
      try {
        signer->anchor(seq, hash);
      } catch (const std::exception& e) {
        spdlog::warn("audit: the checkpoint could not be moved to entry {}: {}", seq, e.what());
      }
    });
}

AuditCheck verify_audit(store::Store& store) {
  AuditCheck out;
  auto key = std::dynamic_pointer_cast<AuditKey>(store.audit_signer());
  const bool have_key = key && key->exists();
  std::string prev = kGenesis;
  std::int64_t expected_seq = 1;
  std::optional<std::int64_t> first_keyed;
  auto broken = [&](std::int64_t seq, const std::string& why) {
    out.first_broken = seq;
    out.problem = why;
  };
  std::map<std::int64_t, std::string> hash_at;  // only the entries an anchor names are looked up
  std::optional<AuditCheckpoint> checkpoint;
  if (key) checkpoint = key->checkpoint();
  std::optional<std::pair<std::int64_t, std::string>> run_anchor = last_run_audit_head(store);

  for (std::int64_t after = 0; !out.first_broken;) {
    auto rows = store.audit(after, 10000);
    if (rows.empty()) break;
    for (const auto& r : rows) {
      ++out.entries;
      if (r.seq != expected_seq) broken(expected_seq, "entry " + std::to_string(expected_seq) + " is missing");
      else if (r.prev_hash != prev) broken(r.seq, "it does not follow the entry before it (an entry was changed, removed or inserted)");
      else if (keyed(r.hash)) {
        if (!first_keyed) first_keyed = r.seq;
        if (!have_key) ++out.unverifiable;
        else if (!equal_constant_time(kKeyed + key->mac(entry_text(r)), r.hash))
          broken(r.seq, "its content does not match its keyed hash (it was changed after it was written)");
        else ++out.keyed;
      } else if (first_keyed) {
        broken(r.seq, "it has no keyed hash although the entries before it do (written by someone without the key)");
      } else if (audit_hash(r) != r.hash) {
        broken(r.seq, "its content does not match its hash (it was changed after it was written)");
      } else {
        ++out.unkeyed;
      }
      if (out.first_broken) break;
      if ((checkpoint && r.seq == checkpoint->seq) || (run_anchor && r.seq == run_anchor->first)) hash_at[r.seq] = r.hash;
      prev = r.hash;
      ++expected_seq;
      after = r.seq;
    }
  }
  if (out.first_broken) return out;
  const std::int64_t head = expected_seq - 1;

  // What the entries themselves prove.
  if (out.keyed) out.proven.push_back(with_commas(out.keyed) + " entries carry an HMAC under the key in " + key->key_file().string() +
                                     ": none of them was changed, inserted or removed by anyone without the key");
  if (out.unkeyed)
    out.unproven.push_back(with_commas(out.unkeyed) + " entries from before the key have plain SHA-256 hashes: they prove the order, "
                           "but anyone who could write the store could have rewritten them and their hashes");
  if (out.unverifiable)
    out.unproven.push_back(with_commas(out.unverifiable) + " keyed entries could not be checked: the key " +
                           (key ? "file " + key->key_file().string() + " does not exist" : "is not configured"));

  // The tail: a checkpoint kept outside the store, and the head each committed run recorded.
  if (checkpoint) {
    if (!checkpoint->genuine) {
      broken(head + 1, "the checkpoint " + key->checkpoint_file().string() + " does not verify under the key (it was edited or replaced)");
      return out;
    }
    if (checkpoint->seq > head) {
      broken(head + 1, "the checkpoint of " + checkpoint->at + " names entry " + std::to_string(checkpoint->seq) +
                           " but the log ends at entry " + std::to_string(head) + ": the newest entries were removed");
      return out;
    }
    if (hash_at[checkpoint->seq] != checkpoint->hash) {
      broken(checkpoint->seq, "the checkpoint of " + checkpoint->at + " recorded another hash for this entry: it was rewritten");
      return out;
    }
    out.proven.push_back("the checkpoint " + key->checkpoint_file().string() + " (" + checkpoint->at + ") names entry " +
                         std::to_string(checkpoint->seq) + " with the same hash: nothing up to it was removed");
    if (head > checkpoint->seq)
      out.unproven.push_back("entries " + std::to_string(checkpoint->seq + 1) + "–" + std::to_string(head) +
                             " came after the checkpoint's last update (a process ended between its commit and the checkpoint)");
  } else if (key && out.entries > 0) {
    out.unproven.push_back("there is no checkpoint (" + key->checkpoint_file().string() +
                           "): whether the newest entries were removed cannot be proven");
  }
  if (run_anchor) {
    if (run_anchor->first > head) {
      broken(head + 1, "the last run recorded entry " + std::to_string(run_anchor->first) + " as the head, but the log ends at entry " +
                           std::to_string(head) + ": entries were removed");
      return out;
    }
    if (hash_at[run_anchor->first] != run_anchor->second) {
      broken(run_anchor->first, "the last run recorded another hash for this entry: it was rewritten");
      return out;
    }
    out.proven.push_back("the last run recorded entry " + std::to_string(run_anchor->first) + " as the head, with the same hash");
  }
  return out;
}

}  // namespace hopnhat::admin
