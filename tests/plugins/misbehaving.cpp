// An importer that misbehaves on purpose, to prove process isolation and the testkit: after one
// record it crashes (segv), aborts, hangs, allocates without bound, exits with code 0 (exit) or
// writes a line that is not JSON on the protocol's descriptor 3 (garbage); "print" writes to
// standard output before its record and otherwise behaves; "throw_on_unload" behaves until its
// destructor; "ok" behaves.
#include <unistd.h>

#include <csignal>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "hopnhat/sdk/options.hpp"
#include "hopnhat/sdk/plugin.hpp"

class MisbehavingImporter {
 public:
  // "throw_on_unload": a destructor that throws, as a careless plugin's does when closing a
  // connection fails. Destructors are noexcept: the throw ends in std::terminate.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wterminate"
  ~MisbehavingImporter() {
    if (mode_ == "throw_on_unload") throw std::runtime_error("closing the connection failed");
  }
#pragma GCC diagnostic pop
  hopnhat::sdk::Status configure(const std::string& options_json, hopnhat::sdk::Context&) {
    hopnhat::sdk::OptionReader opt("test-misbehaving", options_json);
    mode_ = opt.string("mode").value_or("ok");
    return opt.status();
  }
  hopnhat::sdk::Status read(const hopnhat::sdk::ReadRequest&, hopnhat::sdk::RecordSink& sink, hopnhat::sdk::ReadResult&) {
    if (mode_ == "print") {
      std::printf("debug: reading\n");  // two ways a library prints: stdio and iostreams
      std::cout << "debug: one record" << std::endl;
    }
    hopnhat::sdk::SourceRecord r;
    r.id = "1";
    r.fields["full_name"] = "Lê Thị Hoa";
    sink.emit(std::move(r));
    if (mode_ == "segv") std::raise(SIGSEGV);
    if (mode_ == "abort") std::abort();
    if (mode_ == "exit") std::exit(0);
    if (mode_ == "garbage" && ::write(3, "not json\n", 9) != 9) std::abort();
    if (mode_ == "hang") std::this_thread::sleep_for(std::chrono::hours(1));
    if (mode_ == "leak") {
      std::vector<char*> blocks;
      while (true) {
        char* p = static_cast<char*>(std::malloc(64 << 20));
        if (!p) std::abort();  // what a leaking library does when memory runs out
        std::memset(p, 1, 64 << 20);
        blocks.push_back(p);
      }
    }
    return hopnhat::sdk::Status::ok();
  }

 private:
  std::string mode_;
};

HOPNHAT_PLUGIN_ABI()
HOPNHAT_IMPORTER(MisbehavingImporter)
