#include "adapters/impl/exception_encoding.h"

#include "impl/error.h"
#include "impl/task_group.h"

namespace aioconform::impl_runtime {

nlohmann::json encode_exception(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const impl::exception_group_error& g) {
    nlohmann::json members = nlohmann::json::array();
    for (const std::exception_ptr& m : g.exceptions()) members.push_back(encode_exception(m));
    return {{"type", g.type_name()}, {"message", g.message()}, {"exceptions", std::move(members)}};
  } catch (const impl::cancelled_error& c) {
    return {{"type", "asyncio.exceptions.CancelledError"}, {"message", c.message()}};
  } catch (const impl::invalid_state_error& s) {
    return {{"type", "asyncio.exceptions.InvalidStateError"}, {"message", s.message()}};
  } catch (...) {
    impl::error_info info = impl::describe(e);
    return {{"type", info.type_name}, {"message", info.message}};
  }
}

nlohmann::json exception_outcome(const std::exception_ptr& e) {
  if (impl::is_cancelled_error(e)) {
    return {{"cancelled", {{"message", impl::describe(e).message}}}};
  }
  return {{"exception", encode_exception(e)}};
}

std::string python_repr(const std::string& s) {
  bool has_single = s.find('\'') != std::string::npos;
  bool has_double = s.find('"') != std::string::npos;
  char quote = has_single && !has_double ? '"' : '\'';
  std::string out(1, quote);
  static const char* hex = "0123456789abcdef";
  for (unsigned char c : s) {
    if (c == static_cast<unsigned char>(quote) || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  out += quote;
  return out;
}

}  // namespace aioconform::impl_runtime
