#pragma once
// Vectors whose new elements are left as memory gives them: for tables of hundreds of megabytes
// that a stage fills row by row on several threads. A std::vector zeroes every element when it is
// sized, on the thread that sizes it; each first touch of a page is a fault (about 11 µs on the
// virtual machine of docs/benchmarks.md), so zeroing a few hundred megabytes there costs that
// thread a second or more. Sized with this allocator, the table's pages are first touched
// by whichever thread writes each row.

#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace hopnhat::base {

/// An allocator like A, except that a value constructed with no arguments is default-initialised
/// (left as it is, for a trivial type) instead of value-initialised (zeroed). Stateless as A is.
template <class T, class A = std::allocator<T>>
class DefaultInitAllocator : public A {
  using Traits = std::allocator_traits<A>;

 public:
  template <class U>
  struct rebind {
    using other = DefaultInitAllocator<U, typename Traits::template rebind_alloc<U>>;
  };
  using A::A;

  template <class U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    Traits::construct(static_cast<A&>(*this), p, std::forward<Args>(args)...);
  }
};

/// A vector of a trivial type whose resize() leaves the new elements unwritten: the caller
/// writes every one before reading it. Thread-safety and ownership as std::vector's.
template <class T>
  requires std::is_trivial_v<T>
using UninitializedVector = std::vector<T, DefaultInitAllocator<T>>;

}  // namespace hopnhat::base
