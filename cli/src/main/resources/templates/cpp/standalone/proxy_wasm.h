// proxy_wasm.h - the slice of the proxy-wasm ABI 0.2.1 that the standalone build of this filter
// needs: the host calls it makes, the callbacks Envoy invokes, and the ABI marker. Written for
// clang --target=wasm32-wasi with wasi-libc; the official SDK replaces it when
// PROXY_WASM_CPP_SDK is set. Include it from one source file only: it defines two exports.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>

namespace proxy_wasm {

enum class Status : uint32_t { Ok = 0, NotFound = 1, BadArgument = 2, InternalFailure = 10 };
enum class LogLevel : uint32_t { Trace = 0, Debug = 1, Info = 2, Warn = 3, Error = 4, Critical = 5 };
enum class MapType : uint32_t { RequestHeaders = 0, RequestTrailers = 1, ResponseHeaders = 2, ResponseTrailers = 3 };
enum class Action : uint32_t { Continue = 0, Pause = 1 };

}  // namespace proxy_wasm

#define PROXY_WASM_IMPORT(name) __attribute__((import_module("env"), import_name(#name)))
#define PROXY_WASM_EXPORT(name) extern "C" __attribute__((export_name(#name)))

extern "C" {
PROXY_WASM_IMPORT(proxy_log)
proxy_wasm::Status proxy_log(proxy_wasm::LogLevel level, const char* message, size_t size);

PROXY_WASM_IMPORT(proxy_replace_header_map_value)
proxy_wasm::Status proxy_replace_header_map_value(proxy_wasm::MapType type, const char* key,
                                                  size_t key_size, const char* value,
                                                  size_t value_size);
}

// The host detects the ABI from this export's name; the function itself is never called.
PROXY_WASM_EXPORT(proxy_abi_version_0_2_1) void proxy_abi_version_0_2_1() {}

// The host copies returned data (header values, buffers) into memory it gets from here.
PROXY_WASM_EXPORT(proxy_on_memory_allocate) void* proxy_on_memory_allocate(size_t size) {
  return malloc(size);
}
