#include "partydb_importer.hpp"

#include <nlohmann/json.hpp>

#include <cctype>
#include <ctime>
#include <set>

#include "hopnhat/sdk/fields.hpp"
#include "hopnhat/sdk/options.hpp"
#include "hopnhat/sdk/text.hpp"
#include "odbc.hpp"

namespace hopnhat_partydb {

using hopnhat::sdk::Status;
namespace sdk = hopnhat::sdk;

namespace {
// "2026-11-28 04:30:00[.123456]" minus `seconds`, in the same format (UTC arithmetic on the
// wall-clock text, which is what the database compares). Unparsable text is returned unchanged.
std::string minus_seconds(const std::string& ts, std::int64_t seconds) {
  std::tm tm{};
  const char* rest = strptime(ts.c_str(), "%Y-%m-%d %H:%M:%S", &tm);
  if (!rest) return ts;
  time_t t = timegm(&tm) - static_cast<time_t>(seconds);
  std::tm out{};
  gmtime_r(&t, &out);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &out);
  return std::string(buf) + rest;  // keep the fraction of a second
}
}  // namespace

const char* const kReferenceQuery =
    "SELECT d.so_the_dang_vien, d.ho_ten, d.gioi_tinh, d.ngay_sinh, d.que_quan, d.so_cccd, "
    "d.ngay_vao_dang, d.ngay_chinh_thuc, c.ten AS chi_bo, c.dang_bo, d.cap_nhat_luc "
    "FROM dang_vien d LEFT JOIN chi_bo c ON c.id = d.chi_bo_id";

Status PartyDbImporter::configure(const std::string& options_json, sdk::Context& ctx) {
  ctx_ = &ctx;
  sdk::OptionReader opt("partydb", options_json);
  connection_ = opt.required_string("connection");
  query_ = opt.string("query").value_or(kReferenceQuery);
  id_column_ = opt.string("id").value_or(id_column_);
  updated_column_ = opt.string("updated_column").value_or(updated_column_);
  fields_ = opt.string_map("fields");
  for (const auto& [field, column] : fields_)
    if (!sdk::find_field(field)) opt.fail("fields." + field, "\"" + field + "\" is not a canonical field");
  full_every_ = opt.integer("full_every").value_or(full_every_);
  overlap_s_ = opt.integer("overlap_s").value_or(overlap_s_);
  timeout_s_ = static_cast<int>(opt.integer("timeout_s").value_or(timeout_s_));
  if (full_every_ < 1) opt.fail("full_every", "must be 1 or more");
  if (overlap_s_ < 0) opt.fail("overlap_s", "must not be negative");
  if (timeout_s_ < 1) opt.fail("timeout_s", "must be 1 or more");
  for (char c : updated_column_)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_')
      opt.fail("updated_column", "must be a plain column name (letters, digits, _)");
  return opt.status();
}

Status PartyDbImporter::check() {
  try {
    Connection c(connection_, timeout_s_);
    return Status::ok();
  } catch (const OdbcError& e) {
    return Status::unavailable(std::string("partydb: ") + e.what());
  }
}

Status PartyDbImporter::read(const sdk::ReadRequest& request, sdk::RecordSink& sink, sdk::ReadResult& result) {
  // State: the newest change time seen, and how many incremental reads since the last full one.
  std::string bookmark;
  std::int64_t since_full = 0;
  if (!request.state.empty()) {
    try {
      auto s = nlohmann::json::parse(request.state);
      bookmark = s.value("bookmark", "");
      since_full = s.value("reads_since_full", 0);
    } catch (const std::exception&) {
      ctx_->log(sdk::LogLevel::kWarning, "partydb: the stored bookmark is unreadable; doing a full read");
    }
  }
  const bool full = request.full || bookmark.empty() || since_full + 1 >= full_every_;
  std::string sql = "SELECT * FROM (" + query_ + ") q";
  std::vector<std::string> params;
  if (!full) {
    // Re-read a little before the bookmark: rows committed late with an earlier time are not
    // missed, and rows read twice are unchanged by content hash.
    sql += " WHERE q." + updated_column_ + " > ?";
    params.push_back(minus_seconds(bookmark, overlap_s_));
  }
  sql += " ORDER BY q." + updated_column_;

  std::string newest = bookmark;
  std::size_t rows = 0;
  try {
    Connection c(connection_, timeout_s_);
    std::vector<std::string> columns;
    std::vector<std::string> field_of;
    long id_col = -1, updated_col = -1;
    c.query(
        sql, params, timeout_s_,
        [&](const std::vector<std::string>& names) {
          columns = names;
          field_of.assign(names.size(), "");
          std::set<std::string> mapped;
          for (const auto& [field, column] : fields_)
            for (std::size_t i = 0; i < names.size(); ++i)
              if (names[i] == column) { field_of[i] = field; mapped.insert(field); }
          for (std::size_t i = 0; i < names.size(); ++i) {
            if (names[i] == id_column_) id_col = static_cast<long>(i);
            if (names[i] == updated_column_) updated_col = static_cast<long>(i);
            if (!field_of[i].empty()) continue;
            auto f = sdk::canonical_field_for_heading(names[i]);
            if (f && !mapped.count(*f)) { field_of[i] = *f; mapped.insert(*f); }
          }
          if (id_col < 0) throw OdbcError("the query has no column \"" + id_column_ + "\" for the record id (option id)");
          if (updated_col < 0) throw OdbcError("the query has no column \"" + updated_column_ + "\" (option updated_column)");
        },
        [&](const std::vector<std::optional<std::string>>& cells) {
          ++rows;
          sdk::SourceRecord rec;
          rec.id = cells[static_cast<std::size_t>(id_col)].value_or("");
          rec.origin = "partydb row " + std::to_string(rows);
          for (std::size_t i = 0; i < cells.size(); ++i) {
            if (!cells[i]) continue;
            std::string v = sdk::to_nfc(*cells[i]);
            if (static_cast<long>(i) == updated_col) {
              if (v > newest) newest = v;
              continue;  // a change time alone is not a change of the record
            }
            if (!field_of[i].empty()) rec.fields[field_of[i]] = v;
            else if (static_cast<long>(i) != id_col) rec.attributes.emplace_back(columns[i], v);
          }
          if (field_of[static_cast<std::size_t>(id_col)].empty() && id_column_ == "so_the_dang_vien") rec.fields["party_card_no"] = rec.id;
          if (rec.id.empty()) {
            sink.reject(rec.origin, "the column " + id_column_ + " is empty");
            return true;
          }
          return sink.emit(std::move(rec));
        });
  } catch (const OdbcError& e) {
    return Status::unavailable(std::string("partydb: ") + e.what());
  }
  result.full_snapshot = full;
  result.state = nlohmann::json{{"bookmark", newest}, {"reads_since_full", full ? 0 : since_full + 1}}.dump();
  ctx_->log(sdk::LogLevel::kInfo, std::string("partydb: ") + (full ? "full" : "incremental") + " read, " +
                                      std::to_string(rows) + " rows");
  return Status::ok();
}

}  // namespace hopnhat_partydb
