// Threads that outlive their task. A run starts a task on a thread of its own hundreds of times
// (each batch of an import is prepared and stored on one, each parallel loop splits over the
// cores). A thread that ends hands its allocator cache back: jemalloc returns its pages with an
// madvise each, and on a virtual machine every madvise interrupts every core to flush its TLB.
// At a million persons that was sixty thousand madvise calls and a tenth of an import's time. So
// a thread that finishes its task waits for the next one instead of ending.
#pragma once

#include <functional>
#include <future>
#include <memory>
#include <type_traits>
#include <utility>

namespace hopnhat::base {

/// Runs `task` at once on a thread of its own: a thread an earlier task has finished with when
/// one is waiting, a new one otherwise (so a task never waits for another to finish, and tasks
/// may wait on each other as freely as with std::async(std::launch::async)). Thread-safe. A
/// task's thread-local objects stay for the next task on that thread; a task must not change
/// what else belongs to its thread (its nice value, its signal mask, its name), and must not
/// throw (run_async's tasks keep what they throw for their result). Throws std::system_error
/// when no thread can be started.
void start_on_free_thread(std::function<void()> task);

/// The result of a task begun by run_async. Like the future of std::async(std::launch::async),
/// destroying it waits for the task, so what the task uses may be destroyed right after it.
/// What the task captured is destroyed on the task's thread once the result is ready (a task
/// that must free something before its result is seen moves it out of its capture). Owned by
/// one thread at a time; movable; assigning over an unfinished task waits for it first.
template <typename R>
class AsyncTask {
 public:
  AsyncTask() = default;
  explicit AsyncTask(std::future<R> f) : future_(std::move(f)) {}
  AsyncTask(AsyncTask&&) noexcept = default;
  AsyncTask& operator=(AsyncTask&& other) noexcept {
    if (this != &other) {
      wait();
      future_ = std::move(other.future_);
    }
    return *this;
  }
  ~AsyncTask() { wait(); }

  bool valid() const { return future_.valid(); }
  /// Waits, then gives the result or rethrows what the task threw; once.
  R get() { return future_.get(); }
  void wait() const {
    if (future_.valid()) future_.wait();
  }

 private:
  std::future<R> future_;
};

/// std::async(std::launch::async, f), on a thread of start_on_free_thread.
template <typename F>
auto run_async(F&& f) -> AsyncTask<std::invoke_result_t<std::decay_t<F>&>> {
  using R = std::invoke_result_t<std::decay_t<F>&>;
  auto task = std::make_shared<std::packaged_task<R()>>(std::forward<F>(f));
  std::future<R> result = task->get_future();
  start_on_free_thread([task = std::move(task)] { (*task)(); });
  return AsyncTask<R>(std::move(result));
}

}  // namespace hopnhat::base
