#include <cstdio>
#include <fstream>

#include "civil.hpp"
#include "hopnhat/sdk/fields.hpp"
#include "hopnhat/sdk/options.hpp"
#include "hopnhat/sdk/text.hpp"

namespace hopnhat_civil {

using hopnhat::sdk::Status;
namespace sdk = hopnhat::sdk;

namespace {
// The same change to the same record always carries the same key, so a PATCH repeated after a
// time-out or in the next night's run is applied once.
std::string idempotency_key(const std::string& id, const nlohmann::json& changes) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : id + '\x1f' + changes.dump()) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  char buf[40];
  std::snprintf(buf, sizeof buf, "hopnhat-%016llx", static_cast<unsigned long long>(h));
  return buf;
}

void set_dotted(nlohmann::json& obj, const std::string& dotted, const std::string& value) {
  auto dot = dotted.find('.');
  if (dot == std::string::npos) {
    obj[dotted] = value;
    return;
  }
  set_dotted(obj[dotted.substr(0, dot)], dotted.substr(dot + 1), value);
}
}  // namespace

Status CivilExporter::configure(const std::string& options_json, sdk::Context& ctx) {
  ctx_ = &ctx;
  sdk::OptionReader opt("civilservice", options_json);
  read_api_options(opt, api_);
  opt.integer("page_size");
  source_ = opt.required_string("source");
  push_fields_ = opt.string_list("push_fields");
  if (push_fields_.empty()) opt.fail("push_fields", "name at least one canonical field that may flow to the state system");
  for (std::size_t i = 0; i < push_fields_.size(); ++i) {
    if (!sdk::find_field(push_fields_[i]))
      opt.fail("push_fields[" + std::to_string(i) + "]", "\"" + push_fields_[i] + "\" is not a canonical field");
    else if (!api_.fields.count(push_fields_[i]))
      opt.fail("push_fields[" + std::to_string(i) + "]", "\"" + push_fields_[i] + "\" has no item key; add it to fields");
  }
  if (auto p = opt.string("result_path")) result_path_ = sdk::resolve_path(ctx, *p);
  return opt.status();
}

Status CivilExporter::begin(const sdk::ExportHeader&) {
  // What the state system holds now, so that only real differences are sent.
  current_.clear();
  results_.clear();
  sent_ = failed_ = 0;
  try {
    client_ = std::make_unique<ApiClient>(api_);
    client_->list("", 500, [&](const nlohmann::json& page) {
      for (const auto& item : page) current_[value_at(item, "ma_can_bo")] = item;
    });
  } catch (const HttpError& e) {
    return Status::unavailable(std::string("civilservice: ") + e.what());
  }
  return Status::ok();
}

Status CivilExporter::write(const sdk::PersonRecord& person) {
  for (const auto& linked : person.records) {
    if (linked.source != source_) continue;
    const std::string& id = linked.record_id;
    auto it = current_.find(id);
    if (it == current_.end()) {
      results_.push_back({{"ma_can_bo", id}, {"person_id", person.person_id}, {"status", "missing"},
                          {"detail", "the state system no longer has this record"}});
      continue;
    }
    nlohmann::json changes = nlohmann::json::object();
    nlohmann::json changed_fields = nlohmann::json::array();
    for (const auto& field : push_fields_) {
      const std::string& golden = person.value(field);
      if (golden.empty()) continue;
      const std::string& key = api_.fields.at(field);
      if (sdk::to_nfc(value_at(it->second, key)) == golden) continue;
      set_dotted(changes, key, golden);
      changed_fields.push_back(field);
    }
    if (changes.empty()) continue;
    nlohmann::json r{{"ma_can_bo", id}, {"person_id", person.person_id}, {"fields", changed_fields}};
    if (ctx_->dry_run()) {
      r["status"] = "would_send";
      r["changes"] = changes;
      ++sent_;
    } else {
      try {
        long status = client_->patch(id, changes, idempotency_key(id, changes));
        r["http_status"] = status;
        r["status"] = status >= 200 && status < 300 ? "sent" : "failed";
      } catch (const HttpError& e) {
        r["status"] = "failed";
        r["detail"] = e.what();
      }
      if (r["status"] == "sent") ++sent_;
      else ++failed_;
    }
    results_.push_back(std::move(r));
  }
  return Status::ok();
}

Status CivilExporter::finish(sdk::ExportResult& result) {
  result.written = sent_;
  result.target = api_.base_url;
  if (!result_path_.empty()) {
    std::ofstream out(result_path_, std::ios::binary | std::ios::trunc);
    for (const auto& r : results_) out << r.dump() << "\n";
    if (!out) return Status::io_error(result_path_ + ": cannot write the result report");
  }
  ctx_->log(sdk::LogLevel::kInfo, "civilservice: " + std::to_string(sent_) + (ctx_->dry_run() ? " records would be updated" : " records updated") +
                                      (failed_ ? ", " + std::to_string(failed_) + " failed" : ""));
  if (failed_ > 0)
    return Status::unavailable("civilservice: " + std::to_string(failed_) + " updates to the state system failed" +
                               (result_path_.empty() ? "" : " (see " + result_path_ + ")"));
  return Status::ok();
}

}  // namespace hopnhat_civil
