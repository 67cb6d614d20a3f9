// Owning handles for C library objects: std::unique_ptr<T, CFree<&free_fn>>.
#pragma once

#include <memory>

namespace netledger {

template <auto Fn>
struct CFree {
  template <class T>
  void operator()(T* p) const noexcept {
    if (p != nullptr) Fn(p);
  }
};

}  // namespace netledger
