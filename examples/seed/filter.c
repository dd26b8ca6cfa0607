/*
 * seed - the smallest useful proxy-wasm HTTP filter (ABI 0.2.1), used as wasmesh's
 * per-request benchmark filter.
 *
 * Behaviour: on response headers it sets `hello: world` (replacing any existing `hello`).
 * If the host refuses, it logs "seed: failed to set hello header" at CRITICAL.
 * Every stream callback returns CONTINUE.
 *
 * Kept deliberately minimal: no allocation and no host call on the request path except the
 * one header write, so a benchmark measures the host, not the filter.
 */
#include "proxy_wasm_abi.h"

PROXY_WASM_ABI_0_2_1()
PROXY_WASM_ALLOCATOR()

PW_EXPORT(proxy_on_context_create)
void proxy_on_context_create(uint32_t context_id, uint32_t parent_context_id) {
  (void)context_id;
  (void)parent_context_id;
}

PW_EXPORT(proxy_on_vm_start)
uint32_t proxy_on_vm_start(uint32_t root_context_id, uint32_t vm_configuration_size) {
  (void)root_context_id;
  (void)vm_configuration_size;
  return 1;
}

PW_EXPORT(proxy_on_configure)
uint32_t proxy_on_configure(uint32_t root_context_id, uint32_t plugin_configuration_size) {
  (void)root_context_id;
  (void)plugin_configuration_size;
  return 1;
}

PW_EXPORT(proxy_on_request_headers)
pw_action proxy_on_request_headers(uint32_t context_id, uint32_t num_headers,
                                   uint32_t end_of_stream) {
  (void)context_id;
  (void)num_headers;
  (void)end_of_stream;
  return PW_ACTION_CONTINUE;
}

PW_EXPORT(proxy_on_response_headers)
pw_action proxy_on_response_headers(uint32_t context_id, uint32_t num_headers,
                                    uint32_t end_of_stream) {
  (void)context_id;
  (void)num_headers;
  (void)end_of_stream;
  static const char key[] = "hello";
  static const char value[] = "world";
  if (proxy_replace_header_map_value(PW_MAP_HTTP_RESPONSE_HEADERS, key, sizeof(key) - 1, value,
                                     sizeof(value) - 1) != PW_OK) {
    pw_log(PW_LOG_CRITICAL, "seed: failed to set hello header");
  }
  return PW_ACTION_CONTINUE;
}

PW_EXPORT(proxy_on_done)
uint32_t proxy_on_done(uint32_t context_id) {
  (void)context_id;
  return 1;
}

PW_EXPORT(proxy_on_log)
void proxy_on_log(uint32_t context_id) { (void)context_id; }

PW_EXPORT(proxy_on_delete)
void proxy_on_delete(uint32_t context_id) { (void)context_id; }
