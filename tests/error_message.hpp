// The message of the ergon::Error that fn throws, or "" if it throws none.
#pragma once

#include <string>

#include "ergon/errors.hpp"

namespace ergon::testing {

template <class Fn>
std::string error_message(Fn&& fn) {
  try {
    fn();
  } catch (const ergon::Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace ergon::testing
