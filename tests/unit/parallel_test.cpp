#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <atomic>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "base/parallel.hpp"
#include "base/threads.hpp"
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

TEST_CASE("a task run after another has finished reuses its thread, and tasks never wait for a free one") {
  // One after another: the second task finds the first one's thread waiting (the thread is
  // free a moment after its result is ready, so a few tries are allowed).
  std::set<std::thread::id> threads;
  for (int k = 0; k < 50; ++k) {
    threads.insert(base::run_async([] { return std::this_thread::get_id(); }).get());
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  CHECK(threads.size() < 5);
  CHECK_FALSE(threads.contains(std::this_thread::get_id()));

  // Forty tasks that each wait until all forty have started: only if each has a thread at once.
  std::mutex m;
  std::condition_variable cv;
  int started = 0;
  std::vector<base::AsyncTask<int>> tasks;
  for (int k = 0; k < 40; ++k)
    tasks.push_back(base::run_async([&, k] {
      std::unique_lock lock(m);
      ++started;
      cv.notify_all();
      const bool all = cv.wait_for(lock, std::chrono::seconds(30), [&] { return started == 40; });
      return all ? k : -1;
    }));
  for (int k = 0; k < 40; ++k) CHECK(tasks[k].get() == k);
}

TEST_CASE("a task's result, or what it threw, comes back once, and dropping the task waits for it") {
  CHECK(base::run_async([] { return std::string("done"); }).get() == "done");
  auto failing = base::run_async([]() -> int { throw std::runtime_error("the task failed"); });
  CHECK_THROWS_WITH(failing.get(), "the task failed");
  CHECK_FALSE(failing.valid());

  std::atomic<bool> finished{false};
  {
    auto slow = base::run_async([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      finished = true;
    });
  }  // waits here, as std::async's future does
  CHECK(finished);

  // Move-only state goes in and out; moving a task over another waits for the one replaced.
  auto owned = std::make_unique<int>(7);
  auto moved = base::run_async([p = std::move(owned)]() mutable { return std::move(p); });
  std::atomic<bool> replaced_done{false};
  base::AsyncTask<void> slot = base::run_async([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    replaced_done = true;
  });
  slot = base::run_async([] {});
  CHECK(replaced_done);
  CHECK(*moved.get() == 7);
}

TEST_CASE("a child made by fork runs tasks on threads of its own") {
  (void)base::run_async([] {}).get();  // the parent has a waiting thread, which the child lacks
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int sum = 0;
    for (int k = 0; k < 5; ++k) sum += base::run_async([k] { return k; }).get();
    std::vector<int> hits(100000, 0);
    base::parallel_slices(hits.size(), [&](std::size_t b, std::size_t e, unsigned) {
      for (std::size_t i = b; i < e; ++i) hits[i] = 1;
    });
    ::_exit(sum == 10 && std::count(hits.begin(), hits.end(), 1) == 100000 ? 0 : 1);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
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
