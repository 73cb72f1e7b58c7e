#pragma once

// asyncio's combinators as the model runs them, one file each, each following the
// profile's CPython source (tasks.py, timeouts.py, taskgroups.py) and tagging its
// transitions with SPEC.md clauses.

#include <optional>
#include <string>
#include <vector>

#include "format/scenario.h"
#include "spec/model/interpreter.h"

namespace aioconform::model {

/// asyncio.gather(*children, return_exceptions=...): the outer future (gather.cpp).
fid gather(interpreter& in, const std::vector<awaitable>& children, bool return_exceptions);

/// asyncio.shield(child): the outer future, or the child itself when it is done (shield.cpp).
fid shield(interpreter& in, const awaitable& child);

/// The iteration order of CPython's set of these futures (wait.cpp).
std::vector<fid> as_python_set(world& w, const std::vector<fid>& fs);

/// asyncio.wait(children, timeout=..., return_when=...) (wait.cpp).
proc wait(interpreter& in, std::vector<awaitable> children, format::return_when when,
          std::optional<std::int64_t> timeout);

/// asyncio.wait_for(child, timeout) (wait_for.cpp).
proc wait_for(interpreter& in, awaitable child, std::optional<std::int64_t> timeout);

/// The adapter's as_completed consumer: records a `yield` per item (as_completed.cpp).
proc as_completed(interpreter& in, std::string exec_name, std::string path,
                  std::vector<awaitable> children, std::optional<std::int64_t> timeout,
                  format::as_completed_form form);

/// The seed-004 wait_any recipe (wait_any.cpp).
proc wait_any(interpreter& in, std::vector<awaitable> children,
              std::optional<std::int64_t> timeout);

/// `async with asyncio.TaskGroup() as tg:` create a task per coroutine, then run `steps`
/// in `ctx`; returns the steps' signal (task_group.cpp).
proc task_group_body(interpreter& in, context_ref ctx, std::vector<coroutine_ref> coros,
                     const std::vector<format::step>* steps, std::string path);

/// `async with asyncio.timeout(d): steps` in ctx; returns the steps' signal (timeout.cpp).
proc timeout_block(interpreter& in, context_ref ctx, std::optional<std::int64_t> d,
                   const std::vector<format::step>* steps, std::string path);

}  // namespace aioconform::model
