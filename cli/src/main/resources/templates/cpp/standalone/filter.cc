// {{name}}, standalone build: the same filter as ../filter.cc written directly against the
// proxy-wasm ABI, so it builds with Debian's clang and wasi-libc when the SDK is not installed.
#include "proxy_wasm.h"

using proxy_wasm::Action;
using proxy_wasm::LogLevel;
using proxy_wasm::MapType;
using proxy_wasm::Status;

namespace {

template <size_t N>
constexpr size_t length(const char (&)[N]) {
  return N - 1;
}

}  // namespace

PROXY_WASM_EXPORT(proxy_on_context_create) void proxy_on_context_create(uint32_t, uint32_t) {}

PROXY_WASM_EXPORT(proxy_on_vm_start) uint32_t proxy_on_vm_start(uint32_t, uint32_t) { return 1; }

PROXY_WASM_EXPORT(proxy_on_configure) uint32_t proxy_on_configure(uint32_t, uint32_t) { return 1; }

PROXY_WASM_EXPORT(proxy_on_request_headers)
Action proxy_on_request_headers(uint32_t, uint32_t, uint32_t) { return Action::Continue; }

PROXY_WASM_EXPORT(proxy_on_response_headers)
Action proxy_on_response_headers(uint32_t, uint32_t, uint32_t) {
  static const char key[] = "hello";
  static const char value[] = "world";
  if (proxy_replace_header_map_value(MapType::ResponseHeaders, key, length(key), value,
                                     length(value)) != Status::Ok) {
    static const char message[] = "{{name}}: failed to set hello header";
    proxy_log(LogLevel::Critical, message, length(message));
  }
  return Action::Continue;
}

PROXY_WASM_EXPORT(proxy_on_done) uint32_t proxy_on_done(uint32_t) { return 1; }

PROXY_WASM_EXPORT(proxy_on_log) void proxy_on_log(uint32_t) {}

PROXY_WASM_EXPORT(proxy_on_delete) void proxy_on_delete(uint32_t) {}
