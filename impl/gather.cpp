#include "impl/gathering_future.h"

namespace aioconform::impl::detail {

event_loop& gather_loop(const std::vector<task_base*>& children) {
  event_loop* loop = event_loop::running();
  for (task_base* c : children) {
    if (c->scheduled()) {
      loop = c->loop();
      break;
    }
  }
  if (!loop) throw error("RuntimeError", "no running event loop");
  for (task_base* c : children) c->schedule(*loop);
  return *loop;
}

}  // namespace aioconform::impl::detail
