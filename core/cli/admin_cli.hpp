// The administrators' commands: conflicts resolve, decisions list|undo, users add|list|disable|
// enable|passwd, audit verify|list, store status|migrate, and serve (the web UI and JSON API). Declared here so that
// main.cpp stays a table of contents.
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"

namespace hopnhat::cli {

/// Adds the commands to `app` (resolve under the existing `conflicts`); the returned function
/// runs the one that was parsed, or returns nothing when none of them was.
std::function<std::optional<int>()> add_admin_commands(CLI::App& app, CLI::App& conflicts, CommonArgs& args,
                                                       const std::function<void(CLI::App*)>& add_config);

}  // namespace hopnhat::cli
