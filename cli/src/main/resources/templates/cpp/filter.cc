// {{name}}: sets `hello: world` on every response; logs at critical level if the host refuses.
// Written against the official proxy-wasm C++ SDK (make PROXY_WASM_CPP_SDK=...); the standalone/
// directory holds the same filter for a build without the SDK.
#include <string_view>

#include "proxy_wasm_intrinsics.h"

class HelloRootContext : public RootContext {
 public:
  explicit HelloRootContext(uint32_t id, std::string_view root_id) : RootContext(id, root_id) {}
};

class HelloContext : public Context {
 public:
  explicit HelloContext(uint32_t id, RootContext* root) : Context(id, root) {}

  FilterHeadersStatus onResponseHeaders(uint32_t, bool) override {
    if (replaceResponseHeader("hello", "world") != WasmResult::Ok) {
      LOG_CRITICAL("{{name}}: failed to set hello header");
    }
    return FilterHeadersStatus::Continue;
  }
};

static RegisterContextFactory register_HelloContext(CONTEXT_FACTORY(HelloContext),
                                                    ROOT_FACTORY(HelloRootContext), "{{rootId}}");
