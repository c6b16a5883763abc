#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "base/parallel.hpp"
#include "match/features.hpp"

using namespace hopnhat;

TEST_CASE("parallel slices cover every index once, and an exception in a slice comes back") {
  for (std::size_t n : {0u, 1u, 511u, 512u, 100001u}) {
    std::vector<int> hits(n, 0);
    std::atomic<unsigned> max_worker{0};
    base::parallel_slices(n, [&](std::size_t b, std::size_t e, unsigned worker) {
      for (std::size_t i = b; i < e; ++i) ++hits[i];
      unsigned seen = max_worker.load();
      while (worker > seen && !max_worker.compare_exchange_weak(seen, worker)) {
      }
    });
    CHECK(std::count(hits.begin(), hits.end(), 1) == static_cast<long>(n));
    CHECK(max_worker.load() < std::max(1u, std::thread::hardware_concurrency()));
  }
  CHECK_THROWS_WITH(base::parallel_slices(100000, [](std::size_t b, std::size_t e, unsigned) {
                      if (b <= 50000 && 50000 < e) throw std::runtime_error("the middle slice failed");
                    }),
                    "the middle slice failed");
}

TEST_CASE("background disposal destroys what it is given on another thread, and waits for it") {
  struct Tracer {
    std::thread::id* destroyed_on;
    explicit Tracer(std::thread::id* on) : destroyed_on(on) {}
    Tracer(Tracer&& o) noexcept : destroyed_on(std::exchange(o.destroyed_on, nullptr)) {}
    ~Tracer() {
      if (destroyed_on) *destroyed_on = std::this_thread::get_id();
    }
  };
  std::thread::id a, b;
  {
    base::BackgroundDisposal disposal;
    disposal.add(Tracer(&a));
    disposal.add(std::vector<Tracer>{});  // any movable type
    auto big = std::make_unique<Tracer>(&b);
    disposal.add(std::move(big));
    CHECK_FALSE(big);
  }  // waits here
  CHECK(a != std::thread::id());
  CHECK(a != std::this_thread::get_id());
  CHECK(b != std::this_thread::get_id());
  CHECK(b != std::thread::id());
}

TEST_CASE("a parallel sort sorts like std::sort, by any order, at any size") {
  std::uint64_t state = 42;
  auto next = [&] { return state = state * 6364136223846793005ULL + 1442695040888963407ULL; };
  for (std::size_t n : {0u, 1u, 65535u, 65536u, 65537u, 300001u}) {
    std::vector<std::uint64_t> v(n);
    for (auto& x : v) x = next() % 1000;  // many equal keys
    auto want = v;
    std::sort(want.begin(), want.end());
    base::parallel_sort(v);
    CHECK(v == want);
    base::parallel_sort(v, std::greater<>());
    CHECK(std::is_sorted(v.rbegin(), v.rend()));
  }
}

TEST_CASE("match features do not depend on the threads: interned ids follow the record order") {
  // Enough records for the features to be prepared on several threads.
  std::vector<sdk::SourceRecord> records(3000);
  for (std::size_t i = 0; i < records.size(); ++i) {
    records[i].source = "s";
    records[i].id = std::to_string(i);
    records[i].fields = {{"full_name", i % 2 ? "Nguyễn Văn An" : "Trần Thị Bình " + std::to_string(i % 7)},
                         {"birth_date", "0" + std::to_string(1 + i % 9) + "/05/1970"}};
  }
  std::vector<const sdk::SourceRecord*> inputs;
  for (const auto& r : records) inputs.push_back(&r);
  match::MatchSettings settings = match::default_settings();
  match::FeatureTable a(inputs, settings), b(inputs, settings);
  for (std::size_t i = 0; i < records.size(); ++i)
    for (std::size_t c = 0; c < settings.comparisons.size(); ++c)
      for (std::size_t s = 0; s < match::slots_of(settings.comparisons[c].kind); ++s) REQUIRE(a.at(i, c).slot[s] == b.at(i, c).slot[s]);
  // The first record's name was interned first.
  CHECK(a.pool().text(a.at(0, 1).slot[1]) == "tran thi binh 0");
  CHECK(a.at(1, 1).slot[1] == a.at(3, 1).slot[1]);  // the same name, the same id
}
