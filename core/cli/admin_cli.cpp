#include "cli/admin_cli.hpp"

#include <pwd.h>
#include <unistd.h>

#include <iostream>

#include <nlohmann/json.hpp>

#include "admin/audit.hpp"
#include "admin/decision_rules.hpp"
#include "admin/decisions.hpp"
#include "admin/users.hpp"
#include "base/exit_codes.hpp"
#include "config/config.hpp"
#include "server/server.hpp"
#include "store/store.hpp"
#include "sync/open_store.hpp"

namespace hopnhat::cli {
namespace {

struct State {
  std::int64_t id = 0;
  std::string action, value, note, as_user, name, role, listen = "127.0.0.1:8080", tls_cert, tls_key;
  std::int64_t candidate = 0;
  std::vector<std::int64_t> candidates;
  std::string rule_field, rule_source, rule_when = "always";
  bool all = false;
  bool password_stdin = false;
  std::int64_t limit = 50;
};

std::unique_ptr<store::Store> open_store(const CommonArgs& args) {
  auto cfg = config::load_config(args.config);
  return sync::open_store(cfg, false);
}

// Who acts from the command line: --as NAME, else the operating-system user, marked as the CLI.
std::string cli_actor(const State& st) {
  if (!st.as_user.empty()) return st.as_user;
  const char* login = std::getenv("USER");
  if (login && *login) return std::string("cli:") + login;
  const passwd* pw = ::getpwuid(::getuid());
  return std::string("cli:") + (pw ? pw->pw_name : std::to_string(::getuid()));
}

std::string read_password_stdin() {
  std::string pw;
  std::getline(std::cin, pw);
  if (!pw.empty() && pw.back() == '\r') pw.pop_back();
  return pw;
}

// Runs `body` in one transaction; AdminError becomes exit code 1 with its sentence.
int in_transaction(const CommonArgs& args, const std::function<int(store::Store&)>& body) {
  try {
    auto store = open_store(args);
    store->begin();
    int rc = body(*store);
    if (rc == base::kExitOk) store->commit();
    else store->rollback();
    return rc;
  } catch (const config::ConfigError& e) {
    std::cerr << "hopnhat: " << e.what() << "\n";
    return base::kExitUsage;
  } catch (const admin::AdminError& e) {
    std::cerr << "hopnhat: " << e.what() << "\n";
    return e.kind() == admin::AdminError::Kind::kInvalid ? base::kExitUsage : base::kExitFailed;
  }
}

void print_decision(const store::DecisionRow& d) {
  std::cout << "#" << d.id << "  " << d.kind << "  " << d.status << "  person " << d.person_id;
  if (!d.field.empty()) std::cout << "  " << d.field;
  if (d.kind == "choose" || d.kind == "value") std::cout << " = " << d.value;
  if (d.kind == "rule") std::cout << ": " << d.source << " (" << d.value << ")";
  std::cout << "  by " << d.author << " at " << d.created_at;
  if (!d.note.empty()) std::cout << "  (" << d.note << ")";
  if (!d.status_note.empty()) std::cout << "\n      " << d.status_note;
  std::cout << "\n";
}

}  // namespace

std::function<std::optional<int>()> add_admin_commands(CLI::App& app, CLI::App& conflicts, CommonArgs& args,
                                                       const std::function<void(CLI::App*)>& add_config) {
  auto st = std::make_shared<State>();
  auto format = [&](CLI::App* c) { c->add_option("--format", args.format, "text or json")->check(CLI::IsMember({"text", "json"})); };

  auto* resolve = conflicts.add_subcommand("resolve", "decide a conflict: same, different, choose, value, confirm or defer");
  add_config(resolve);
  format(resolve);
  resolve->add_option("id", st->id, "the conflict's id")->required();
  resolve->add_option("--action", st->action,
                      "same | different (a possible match); choose | value (a value); confirm | different (a person "
                      "with too many records: one person, or two of its records that are not); choose | value (a unit "
                      "name: the unit it means, kept as an alias); defer")
      ->required()->check(CLI::IsMember({"same", "different", "choose", "value", "confirm", "defer"}));
  resolve->add_option("--candidate", st->candidate, "choose: the candidate's id, as `conflicts show` lists them");
  resolve->add_option("--candidates", st->candidates, "different on a person with too many records: the ids of two of its records, e.g. 1,4")
      ->delimiter(',')->expected(2);
  resolve->add_option("--value", st->value, "value: the corrected value (on a unit case: the unit's code)");
  resolve->add_option("--note", st->note, "why (required with --action value, except on a unit case)");
  resolve->add_option("--as", st->as_user, "the name the decision is recorded under (default cli:$USER)");

  auto* rules = app.add_subcommand("rules", "decide a class of cases at once: preview, add, list (undo with decisions undo)");
  rules->require_subcommand(1);
  auto rule_options = [&](CLI::App* c) {
    add_config(c);
    format(c);
    c->add_option("--field", st->rule_field, "full_name | birth_date | gender | citizen_id")->required();
    c->add_option("--source", st->rule_source, "the source whose value wins")->required();
    c->add_option("--when", st->rule_when, "always, or agrees_with_cccd (its value consistent with the person's CCCD)")
        ->check(CLI::IsMember({"always", "agrees_with_cccd"}));
  };
  auto* rules_preview = rules->add_subcommand("preview", "the open cases a rule would decide, and the value each would get; changes nothing");
  rule_options(rules_preview);
  auto* rules_add = rules->add_subcommand("add", "store a rule and decide the open cases it covers; every later sync applies it");
  rule_options(rules_add);
  rules_add->add_option("--note", st->note, "why (required)")->required();
  rules_add->add_option("--as", st->as_user, "the name the rule is recorded under (default cli:$USER)");
  auto* rules_list = rules->add_subcommand("list", "the rules in force");
  add_config(rules_list);
  format(rules_list);

  auto* decisions = app.add_subcommand("decisions", "administrators' decisions: list, undo");
  decisions->require_subcommand(1);
  auto* decisions_list = decisions->add_subcommand("list", "decisions in force, and orphaned ones that need a look");
  add_config(decisions_list);
  format(decisions_list);
  decisions_list->add_flag("--all", st->all, "also the undone ones");
  auto* decisions_undo = decisions->add_subcommand("undo", "undo a decision; its case opens again");
  add_config(decisions_undo);
  format(decisions_undo);
  decisions_undo->add_option("id", st->id, "the decision's id")->required();
  decisions_undo->add_option("--as", st->as_user, "the name the undo is recorded under (default cli:$USER)");

  auto* users = app.add_subcommand("users", "accounts of the admin server");
  users->require_subcommand(1);
  auto* users_add = users->add_subcommand("add", "add a user; the password is read from standard input");
  add_config(users_add);
  users_add->add_option("name", st->name, "the login name")->required();
  users_add->add_option("--role", st->role, "viewer (reads), reviewer (decides), admin (also manages users)")
      ->required()->check(CLI::IsMember({"viewer", "reviewer", "admin"}));
  users_add->add_flag("--password-stdin", st->password_stdin, "read the password from standard input (the only way)")->required();
  auto* users_list = users->add_subcommand("list", "the users with their role and state");
  add_config(users_list);
  format(users_list);
  auto* users_disable = users->add_subcommand("disable", "disable a user and end their sessions");
  add_config(users_disable);
  users_disable->add_option("name", st->name)->required();
  auto* users_enable = users->add_subcommand("enable", "enable a disabled user");
  add_config(users_enable);
  users_enable->add_option("name", st->name)->required();
  auto* users_passwd = users->add_subcommand("passwd", "set a user's password from standard input; ends their sessions");
  add_config(users_passwd);
  users_passwd->add_option("name", st->name)->required();
  users_passwd->add_flag("--password-stdin", st->password_stdin, "read the password from standard input (the only way)")->required();

  auto* audit = app.add_subcommand("audit", "the append-only, hash-chained audit log");
  audit->require_subcommand(1);
  auto* audit_verify = audit->add_subcommand("verify", "check the hash chain; names the first broken entry");
  add_config(audit_verify);
  auto* audit_list = audit->add_subcommand("list", "the newest entries");
  add_config(audit_list);
  format(audit_list);
  audit_list->add_option("--limit", st->limit, "how many (default 50)");

  auto* store_cmd = app.add_subcommand("store", "the store's schema and integrity: status, migrate, check");
  store_cmd->require_subcommand(1);
  auto* store_status = store_cmd->add_subcommand("status", "the backend, the schema version and the migrations not applied yet");
  add_config(store_status);
  format(store_status);
  auto* store_migrate = store_cmd->add_subcommand("migrate", "apply the migrations the store lacks (a sync does it too)");
  add_config(store_migrate);
  auto* store_check = store_cmd->add_subcommand("check", "check the store's pages, every reference between rows and what every run keeps true; exit 1 if not");
  add_config(store_check);

  auto* serve = app.add_subcommand("serve", "the administrators' web UI (Vietnamese) and JSON API");
  add_config(serve);
  serve->add_option("--listen", st->listen, "address:port (default 127.0.0.1:8080, loopback only)");
  serve->add_option("--tls-cert", st->tls_cert, "PEM certificate: serve HTTPS");
  serve->add_option("--tls-key", st->tls_key, "PEM private key of --tls-cert");

  return [=, &args]() -> std::optional<int> {
    const bool json = args.format == "json";
    if (*resolve)
      return in_transaction(args, [&](store::Store& s) {
        admin::ResolveRequest req{st->action, st->candidate, st->value, st->note, st->candidates};
        if (req.action == "choose" && req.candidate == 0) throw admin::AdminError(admin::AdminError::Kind::kInvalid, "--candidate is required with --action choose");
        if (req.action == "value" && req.value.empty()) throw admin::AdminError(admin::AdminError::Kind::kInvalid, "--value is required with --action value");
        const config::Config cfg = config::load_config(args.config);
        auto d = admin::resolve_conflict(s, st->id, req, cli_actor(*st), cfg.organisation.get());
        if (json) std::cout << admin::decision_json(d).dump(2) << "\n";
        else std::cout << "decision #" << d.id << ": conflict #" << st->id << " " << (d.kind == "defer" ? "deferred" : "resolved") << "\n";
        return base::kExitOk;
      });
    if (*rules_preview || *rules_add)
      return in_transaction(args, [&](store::Store& s) {
        const config::Config cfg = config::load_config(args.config);
        std::vector<std::string> sources;
        for (const auto& src : cfg.sources) sources.push_back(src.name);
        const admin::RuleRequest req = admin::parse_rule_request(
            {{"field", st->rule_field}, {"source", st->rule_source}, {"when", st->rule_when}, {"note", st->note}}, sources);
        const merge::SurvivorshipRules base{cfg.source_priority, cfg.field_priority, admin::active_rules(s)};
        if (*rules_preview) {
          auto items = admin::preview_rule(s, req, base);
          if (json) {
            std::cout << admin::rule_preview_json(items).dump(2) << "\n";
          } else {
            for (const auto& i : items)
              std::cout << "#" << i.conflict_id << "  " << i.person_id << "  " << req.field << " = " << i.value << "  (" << i.source << ":"
                        << i.record_id << ")\n";
            std::cout << items.size() << " open cases this rule would decide\n";
          }
          return base::kExitOk;
        }
        auto applied = admin::apply_rule(s, req, base, cli_actor(*st));
        if (json) {
          nlohmann::json out = admin::decision_json(applied.rule);
          out["decided"] = admin::rule_preview_json(applied.decided);
          std::cout << out.dump(2) << "\n";
        } else {
          std::cout << "rule #" << applied.rule.id << ": " << applied.decided.size() << " open cases decided; every later sync applies it\n";
        }
        return base::kExitOk;
      });
    if (*rules_list)
      return in_transaction(args, [&](store::Store& s) {
        nlohmann::json out = nlohmann::json::array();
        std::size_t n = 0;
        for (const auto& d : s.decisions(true)) {
          if (d.kind != "rule") continue;
          ++n;
          if (json) out.push_back(admin::decision_json(d));
          else std::cout << "#" << d.id << "  " << d.field << ": " << d.source << " (" << d.value << ")  by " << d.author << " at "
                         << d.created_at << "  (" << d.note << ")\n";
        }
        if (json) std::cout << out.dump(2) << "\n";
        else std::cout << n << " rules in force\n";
        return base::kExitOk;
      });
    if (*decisions_list)
      return in_transaction(args, [&](store::Store& s) {
        auto rows = s.decisions(false);
        nlohmann::json out = nlohmann::json::array();
        std::size_t shown = 0;
        for (const auto& d : rows) {
          if (!st->all && d.status == "undone") continue;
          ++shown;
          if (json) out.push_back(admin::decision_json(d));
          else print_decision(d);
        }
        if (json) std::cout << out.dump(2) << "\n";
        else std::cout << shown << " decisions\n";
        return base::kExitOk;
      });
    if (*decisions_undo)
      return in_transaction(args, [&](store::Store& s) {
        auto d = admin::undo_decision(s, st->id, cli_actor(*st));
        if (json) std::cout << admin::decision_json(d).dump(2) << "\n";
        else std::cout << "decision #" << d.id << " undone\n";
        return base::kExitOk;
      });
    if (*users_add)
      return in_transaction(args, [&](store::Store& s) {
        admin::add_user(s, st->name, *admin::parse_role(st->role), read_password_stdin(), cli_actor(*st));
        std::cout << "user " << st->name << " added (" << st->role << ")\n";
        return base::kExitOk;
      });
    if (*users_passwd)
      return in_transaction(args, [&](store::Store& s) {
        admin::set_password(s, st->name, read_password_stdin(), cli_actor(*st));
        std::cout << "password of " << st->name << " changed\n";
        return base::kExitOk;
      });
    if (*users_disable || *users_enable)
      return in_transaction(args, [&](store::Store& s) {
        admin::set_disabled(s, st->name, static_cast<bool>(*users_disable), cli_actor(*st));
        std::cout << "user " << st->name << (static_cast<bool>(*users_disable) ? " disabled\n" : " enabled\n");
        return base::kExitOk;
      });
    if (*users_list)
      return in_transaction(args, [&](store::Store& s) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& u : s.users()) {
          if (json) out.push_back({{"name", u.name}, {"role", u.role}, {"disabled", u.disabled}, {"created_at", u.created_at}});
          else std::cout << u.name << "  " << u.role << (u.disabled ? "  (disabled)" : "") << "\n";
        }
        if (json) std::cout << out.dump(2) << "\n";
        return base::kExitOk;
      });
    if (*audit_verify)
      return in_transaction(args, [&](store::Store& s) {
        auto check = admin::verify_audit(s);
        if (check.first_broken) {
          std::cout << "audit log BROKEN at entry " << *check.first_broken << ": " << check.problem << "\n";
          return base::kExitFailed;
        }
        std::cout << "audit log intact: " << check.entries << " entries\n";
        for (const auto& line : check.proven) std::cout << "  proven: " << line << "\n";
        for (const auto& line : check.unproven) std::cout << "  not proven: " << line << "\n";
        return base::kExitOk;
      });
    if (*audit_list)
      return in_transaction(args, [&](store::Store& s) {
        auto last = s.last_audit();
        std::int64_t from = last ? std::max<std::int64_t>(0, last->seq - st->limit) : 0;
        nlohmann::json out = nlohmann::json::array();
        for (const auto& a : s.audit(from, st->limit)) {
          if (json) out.push_back({{"seq", a.seq}, {"at", a.at}, {"actor", a.actor}, {"action", a.action}, {"detail", nlohmann::json::parse(a.detail)}});
          else std::cout << a.seq << "  " << a.at << "  " << a.actor << "  " << a.action << "  " << a.detail << "\n";
        }
        if (json) std::cout << out.dump(2) << "\n";
        return base::kExitOk;
      });
    if (*store_status || *store_migrate || *store_check) {
      try {
        auto cfg = config::load_config(args.config);
        auto store = sync::open_store(cfg, static_cast<bool>(*store_migrate));
        if (*store_check) {
          auto problems = store->integrity_problems();
          for (const auto& p : problems) std::cout << p << "\n";
          std::cout << store->describe() << (problems.empty() ? ": ok\n" : ": " + std::to_string(problems.size()) + " problems\n");
          return problems.empty() ? base::kExitOk : base::kExitFailed;
        }
        if (*store_migrate) {
          auto pending = store->pending_migrations();
          store->begin();  // migrations run inside the first transaction
          store->commit();
          for (const auto& m : pending) std::cout << "applied " << m << "\n";
          std::cout << store->describe() << ": schema version " << store->schema_version() << (pending.empty() ? " (nothing to do)\n" : "\n");
          return base::kExitOk;
        }
        auto pending = store->pending_migrations();
        if (json) {
          std::cout << nlohmann::json{{"store", store->describe()}, {"version", store->schema_version()},
                                      {"latest", store->latest_schema_version()}, {"pending", nlohmann::json(pending)}}.dump(2) << "\n";
        } else {
          std::cout << store->describe() << ": schema version " << store->schema_version() << " of " << store->latest_schema_version() << "\n";
          for (const auto& m : pending) std::cout << "  pending " << m << "\n";
        }
        return base::kExitOk;
      } catch (const config::ConfigError& e) {
        std::cerr << "hopnhat: " << e.what() << "\n";
        return base::kExitUsage;
      }
    }
    if (*serve) {
      try {
        auto cfg = config::load_config(args.config);
        return server::serve(cfg, {st->listen, st->tls_cert, st->tls_key});
      } catch (const config::ConfigError& e) {
        std::cerr << "hopnhat: " << e.what() << "\n";
        return base::kExitUsage;
      }
    }
    return std::nullopt;
  };
}

}  // namespace hopnhat::cli
