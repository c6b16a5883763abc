#include "base/threads.hpp"

#include <unistd.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace hopnhat::base {
namespace {

// More idle threads than this end instead of waiting: a run never has more than a few tasks at
// once, and an idle thread holds its stack and its allocator cache.
constexpr std::size_t kMaxIdle = 16;

class FreeThreads {
 public:
  void start(std::function<void()> task) {
    {
      std::lock_guard lock(mutex_);
      if (idle_ > queued_.size()) {
        queued_.push_back(std::move(task));
        wake_.notify_one();
        return;
      }
    }
    // Detached: the threads are never joined, the process ends them (see shared()).
    std::thread([this, first = std::move(task)]() mutable { serve(std::move(first)); }).detach();
  }

 private:
  void serve(std::function<void()> task) {
    for (;;) {
      task();  // a packaged task: it keeps what it throws for its future
      task = nullptr;  // what the task captured is freed before this thread waits
      std::unique_lock lock(mutex_);
      if (idle_ >= kMaxIdle) return;
      ++idle_;
      wake_.wait(lock, [this] { return !queued_.empty(); });
      --idle_;
      task = std::move(queued_.front());
      queued_.pop_front();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queued_;
  std::size_t idle_ = 0;  // threads waiting on wake_; each queued task has one of them
};

// Made once and never destroyed: a waiting thread still uses it while the process exits, and a
// task may still be finishing on a thread when main returns.
FreeThreads* shared(pid_t& owner) {
  static pid_t pid = ::getpid();
  static FreeThreads* threads = new FreeThreads;
  owner = pid;
  return threads;
}

}  // namespace

void start_on_free_thread(std::function<void()> task) {
  pid_t owner = 0;
  FreeThreads* threads = shared(owner);
  // A child made by fork() has none of its parent's threads (and maybe a mutex its parent held
  // at the time): there every task gets a thread of its own.
  if (owner != ::getpid()) {
    std::thread(std::move(task)).detach();
    return;
  }
  threads->start(std::move(task));
}

}  // namespace hopnhat::base
