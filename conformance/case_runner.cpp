#include "conformance/case_runner.h"

#include "adapters/impl/run_scenario.h"

namespace aioconform::conformance {
namespace {

class adapter_case_runner final : public case_runner {
 public:
  adapter_case_runner(adapters::runtime_spec runtime, adapters::session_options options)
      : session_(std::move(runtime), std::move(options)) {}

  nlohmann::json runtime() override { return session_.start().runtime; }

  adapters::run_result run(const nlohmann::json& document, const format::scenario&) override {
    return session_.run(document);
  }

  void run_ahead(const nlohmann::json& document) override { session_.send_ahead(document); }

 private:
  adapters::adapter_session session_;
};

class impl_case_runner final : public case_runner {
 public:
  nlohmann::json runtime() override { return impl_runtime::runtime_object(); }

  adapters::run_result run(const nlohmann::json&, const format::scenario& scenario) override {
    adapters::run_result out;
    try {
      out.trace = impl_runtime::run_scenario(scenario);
      out.status = adapters::run_status::ok;
    } catch (const std::exception& e) {
      out.status = adapters::run_status::error;
      out.message = "impl: " + scenario.name + ": " + e.what();
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<case_runner> adapter_runner(adapters::runtime_spec runtime,
                                            adapters::session_options options) {
  return std::make_unique<adapter_case_runner>(std::move(runtime), std::move(options));
}

std::unique_ptr<case_runner> impl_runner() {
  return std::make_unique<impl_case_runner>();
}

}  // namespace aioconform::conformance
