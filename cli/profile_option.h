#pragma once

// The --profile option's value: a version profile, or a usage error that lists them.

#include <string>

#include "cli/cli_error.h"
#include "spec/model/profile.h"

namespace aioconform::cli {

/// parse_profile(text), throwing cli_error (exit 2) for anything else.
inline model::profile profile_option(const std::string& text) {
  if (auto p = model::parse_profile(text)) return *p;
  throw cli_error("--profile: unknown profile '" + text +
                  "' (3.8 ... 3.13, 3.12-eager, 3.13-eager)");
}

}  // namespace aioconform::cli
