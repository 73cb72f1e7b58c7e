#include "format/scenario.h"

#include <type_traits>

namespace aioconform::format {
namespace {

template <typename... Ts>
struct overloaded : Ts... {
  using Ts::operator()...;
};
template <typename... Ts>
overloaded(Ts...) -> overloaded<Ts...>;

}  // namespace

std::string_view kind_name(const expression& e) {
  return std::visit(overloaded{
                        [](const gather_expr&) { return std::string_view("gather"); },
                        [](const wait_expr&) { return std::string_view("wait"); },
                        [](const as_completed_expr&) { return std::string_view("as_completed"); },
                        [](const wait_for_expr&) { return std::string_view("wait_for"); },
                        [](const shield_expr&) { return std::string_view("shield"); },
                        [](const task_group_expr&) { return std::string_view("task_group"); },
                        [](const wait_any_expr&) { return std::string_view("wait_any"); },
                    },
                    e);
}

bool is_future_kind(const expression& e) {
  return std::holds_alternative<gather_expr>(e) || std::holds_alternative<shield_expr>(e);
}

std::string_view op_name(const step& s) {
  return std::visit(overloaded{
                        [](const sleep_step&) { return std::string_view("sleep"); },
                        [](const return_step&) { return std::string_view("return"); },
                        [](const raise_step&) { return std::string_view("raise"); },
                        [](const hang_step&) { return std::string_view("hang"); },
                        [](const create_task_step&) { return std::string_view("create_task"); },
                        [](const future_step&) { return std::string_view("future"); },
                        [](const cancel_step&) { return std::string_view("cancel"); },
                        [](const await_step&) { return std::string_view("await"); },
                        [](const timeout_step&) { return std::string_view("timeout"); },
                        [](const event_wait_step&) { return std::string_view("event_wait"); },
                        [](const event_set_step&) { return std::string_view("event_set"); },
                        [](const state_step&) { return std::string_view("state"); },
                    },
                    s);
}

std::string_view kind_name(on_cancel_kind k) {
  switch (k) {
    case on_cancel_kind::propagate:
      return "propagate";
    case on_cancel_kind::swallow:
      return "swallow";
    case on_cancel_kind::cleanup:
      return "cleanup";
    case on_cancel_kind::raise:
      return "raise";
  }
  return "propagate";
}

}  // namespace aioconform::format
