// --log-format json: one JSON object per log line on stderr ({"time", "level", "message"}), with
// the message escaped properly, for log shippers. Thread-safe (spdlog's mutex sink).
#pragma once

#include <spdlog/sinks/base_sink.h>

#include <chrono>
#include <cstdio>
#include <mutex>

#include <nlohmann/json.hpp>

#include "base/iso_time.hpp"

namespace hopnhat::cli {

class JsonLogSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    nlohmann::json line{{"time", base::iso_utc(std::chrono::system_clock::to_time_t(msg.time))},
                        {"level", std::string(spdlog::level::to_string_view(msg.level).data(),
                                              spdlog::level::to_string_view(msg.level).size())},
                        {"message", std::string(msg.payload.data(), msg.payload.size())}};
    std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    std::fwrite(text.data(), 1, text.size(), stderr);
  }
  void flush_() override { std::fflush(stderr); }
};

}  // namespace hopnhat::cli
