/*
 * proxy_wasm_abi.h - hand-written declarations of the proxy-wasm ABI 0.2.1 for C filters.
 *
 * Part of the wasmesh examples. Only the host imports, the enumerations and a few tiny helpers
 * live here; each filter implements the proxy_on_* callbacks it needs and exports the ABI
 * marker with PROXY_WASM_ABI_0_2_1().
 *
 * Build (Debian wasi-libc, sysroot /usr):
 *   clang --target=wasm32-wasi --sysroot=/usr -mexec-model=reactor -O2 \
 *         -I../include -Wl,--export-dynamic -o filter.wasm filter.c
 *
 * Conventions of the ABI: every size is a u32, pointers are offsets into the guest's linear
 * memory, strings are (pointer, length) pairs with no terminating NUL. Data returned by the host
 * is written into memory obtained through the guest's proxy_on_memory_allocate export; the guest
 * owns it and must free() it.
 */
#ifndef WASMESH_PROXY_WASM_ABI_H
#define WASMESH_PROXY_WASM_ABI_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------------------------ */
/* Enumerations                                                                               */
/* ------------------------------------------------------------------------------------------ */

typedef enum {
  PW_OK = 0,
  PW_NOT_FOUND = 1,
  PW_BAD_ARGUMENT = 2,
  PW_SERIALIZATION_FAILURE = 3,
  PW_PARSE_FAILURE = 4,
  PW_INVALID_MEMORY_ACCESS = 6,
  PW_EMPTY = 7,
  PW_CAS_MISMATCH = 8,
  PW_INTERNAL_FAILURE = 10,
  PW_UNIMPLEMENTED = 12,
} pw_status;

typedef enum {
  PW_LOG_TRACE = 0,
  PW_LOG_DEBUG = 1,
  PW_LOG_INFO = 2,
  PW_LOG_WARN = 3,
  PW_LOG_ERROR = 4,
  PW_LOG_CRITICAL = 5,
} pw_log_level;

/* Value returned by the stream callbacks (proxy_on_request_headers & co). */
typedef enum {
  PW_ACTION_CONTINUE = 0,
  PW_ACTION_PAUSE = 1,
} pw_action;

typedef enum {
  PW_MAP_HTTP_REQUEST_HEADERS = 0,
  PW_MAP_HTTP_REQUEST_TRAILERS = 1,
  PW_MAP_HTTP_RESPONSE_HEADERS = 2,
  PW_MAP_HTTP_RESPONSE_TRAILERS = 3,
  PW_MAP_GRPC_CALL_INITIAL_METADATA = 4,
  PW_MAP_GRPC_CALL_TRAILING_METADATA = 5,
  PW_MAP_HTTP_CALL_RESPONSE_HEADERS = 6,
  PW_MAP_HTTP_CALL_RESPONSE_TRAILERS = 7,
} pw_map_type;

typedef enum {
  PW_BUFFER_HTTP_REQUEST_BODY = 0,
  PW_BUFFER_HTTP_RESPONSE_BODY = 1,
  PW_BUFFER_DOWNSTREAM_DATA = 2,
  PW_BUFFER_UPSTREAM_DATA = 3,
  PW_BUFFER_HTTP_CALL_RESPONSE_BODY = 4,
  PW_BUFFER_GRPC_CALL_MESSAGE = 5,
  PW_BUFFER_VM_CONFIGURATION = 6,
  PW_BUFFER_PLUGIN_CONFIGURATION = 7,
  PW_BUFFER_FOREIGN_FUNCTION_ARGUMENTS = 8,
} pw_buffer_type;

typedef enum {
  PW_STREAM_HTTP_REQUEST = 0,
  PW_STREAM_HTTP_RESPONSE = 1,
  PW_STREAM_DOWNSTREAM = 2,
  PW_STREAM_UPSTREAM = 3,
} pw_stream_type;

typedef enum {
  PW_METRIC_COUNTER = 0,
  PW_METRIC_GAUGE = 1,
  PW_METRIC_HISTOGRAM = 2,
} pw_metric_type;

typedef enum {
  PW_PEER_UNKNOWN = 0,
  PW_PEER_LOCAL = 1,
  PW_PEER_REMOTE = 2,
} pw_peer_type;

/* "Everything" length understood by proxy_get_buffer_bytes (the host clamps it). */
#define PW_ALL_BYTES 0xFFFFFFFFu

/* ------------------------------------------------------------------------------------------ */
/* Host imports (module "env")                                                                */
/* ------------------------------------------------------------------------------------------ */

#define PW_IMPORT(name) __attribute__((import_module("env"), import_name(#name)))

/* Logging */
PW_IMPORT(proxy_log)
pw_status proxy_log(pw_log_level level, const char *msg, size_t msg_size);
PW_IMPORT(proxy_get_log_level)
pw_status proxy_get_log_level(pw_log_level *return_level);

/* Current status of a call-out (only meaningful inside call-out callbacks). */
PW_IMPORT(proxy_get_status)
pw_status proxy_get_status(uint32_t *return_code, const char **return_msg, size_t *return_msg_size);

/* Context */
PW_IMPORT(proxy_set_effective_context)
pw_status proxy_set_effective_context(uint32_t context_id);
PW_IMPORT(proxy_done)
pw_status proxy_done(void);

/* Timers */
PW_IMPORT(proxy_set_tick_period_milliseconds)
pw_status proxy_set_tick_period_milliseconds(uint32_t millis);
PW_IMPORT(proxy_get_current_time_nanoseconds)
pw_status proxy_get_current_time_nanoseconds(uint64_t *return_time);

/* Buffers */
PW_IMPORT(proxy_get_buffer_bytes)
pw_status proxy_get_buffer_bytes(pw_buffer_type type, size_t start, size_t length,
                                 const char **return_data, size_t *return_size);
PW_IMPORT(proxy_get_buffer_status)
pw_status proxy_get_buffer_status(pw_buffer_type type, size_t *return_length,
                                  uint32_t *return_flags);
PW_IMPORT(proxy_set_buffer_bytes)
pw_status proxy_set_buffer_bytes(pw_buffer_type type, size_t start, size_t length,
                                 const char *data, size_t size);

/* Header maps */
PW_IMPORT(proxy_get_header_map_pairs)
pw_status proxy_get_header_map_pairs(pw_map_type type, const char **return_data,
                                     size_t *return_size);
PW_IMPORT(proxy_set_header_map_pairs)
pw_status proxy_set_header_map_pairs(pw_map_type type, const char *data, size_t size);
PW_IMPORT(proxy_get_header_map_size)
pw_status proxy_get_header_map_size(pw_map_type type, size_t *return_size);
PW_IMPORT(proxy_get_header_map_value)
pw_status proxy_get_header_map_value(pw_map_type type, const char *key, size_t key_size,
                                     const char **return_value, size_t *return_value_size);
PW_IMPORT(proxy_add_header_map_value)
pw_status proxy_add_header_map_value(pw_map_type type, const char *key, size_t key_size,
                                     const char *value, size_t value_size);
PW_IMPORT(proxy_replace_header_map_value)
pw_status proxy_replace_header_map_value(pw_map_type type, const char *key, size_t key_size,
                                         const char *value, size_t value_size);
PW_IMPORT(proxy_remove_header_map_value)
pw_status proxy_remove_header_map_value(pw_map_type type, const char *key, size_t key_size);

/* Properties (path segments joined by NUL, no trailing NUL) */
PW_IMPORT(proxy_get_property)
pw_status proxy_get_property(const char *path, size_t path_size, const char **return_value,
                             size_t *return_value_size);
PW_IMPORT(proxy_set_property)
pw_status proxy_set_property(const char *path, size_t path_size, const char *value,
                             size_t value_size);

/* Stream control */
PW_IMPORT(proxy_continue_stream)
pw_status proxy_continue_stream(pw_stream_type type);
PW_IMPORT(proxy_close_stream)
pw_status proxy_close_stream(pw_stream_type type);
PW_IMPORT(proxy_send_local_response)
pw_status proxy_send_local_response(uint32_t status_code, const char *status_details,
                                    size_t status_details_size, const char *body,
                                    size_t body_size, const char *headers, size_t headers_size,
                                    int32_t grpc_status);

/* HTTP call-outs */
PW_IMPORT(proxy_http_call)
pw_status proxy_http_call(const char *upstream, size_t upstream_size, const char *headers,
                          size_t headers_size, const char *body, size_t body_size,
                          const char *trailers, size_t trailers_size, uint32_t timeout_ms,
                          uint32_t *return_token);

/* gRPC call-outs */
PW_IMPORT(proxy_grpc_call)
pw_status proxy_grpc_call(const char *service, size_t service_size, const char *service_name,
                          size_t service_name_size, const char *method, size_t method_size,
                          const char *initial_metadata, size_t initial_metadata_size,
                          const char *message, size_t message_size, uint32_t timeout_ms,
                          uint32_t *return_token);
PW_IMPORT(proxy_grpc_stream)
pw_status proxy_grpc_stream(const char *service, size_t service_size, const char *service_name,
                            size_t service_name_size, const char *method, size_t method_size,
                            const char *initial_metadata, size_t initial_metadata_size,
                            uint32_t *return_token);
PW_IMPORT(proxy_grpc_send)
pw_status proxy_grpc_send(uint32_t token, const char *message, size_t message_size,
                          uint32_t end_stream);
PW_IMPORT(proxy_grpc_cancel)
pw_status proxy_grpc_cancel(uint32_t token);
PW_IMPORT(proxy_grpc_close)
pw_status proxy_grpc_close(uint32_t token);

/* Shared key-value store */
PW_IMPORT(proxy_get_shared_data)
pw_status proxy_get_shared_data(const char *key, size_t key_size, const char **return_value,
                                size_t *return_value_size, uint32_t *return_cas);
PW_IMPORT(proxy_set_shared_data)
pw_status proxy_set_shared_data(const char *key, size_t key_size, const char *value,
                                size_t value_size, uint32_t cas);

/* Shared queues */
PW_IMPORT(proxy_register_shared_queue)
pw_status proxy_register_shared_queue(const char *name, size_t name_size,
                                      uint32_t *return_queue_id);
PW_IMPORT(proxy_resolve_shared_queue)
pw_status proxy_resolve_shared_queue(const char *vm_id, size_t vm_id_size, const char *name,
                                     size_t name_size, uint32_t *return_queue_id);
PW_IMPORT(proxy_dequeue_shared_queue)
pw_status proxy_dequeue_shared_queue(uint32_t queue_id, const char **return_data,
                                     size_t *return_size);
PW_IMPORT(proxy_enqueue_shared_queue)
pw_status proxy_enqueue_shared_queue(uint32_t queue_id, const char *data, size_t size);

/* Metrics */
PW_IMPORT(proxy_define_metric)
pw_status proxy_define_metric(pw_metric_type type, const char *name, size_t name_size,
                              uint32_t *return_metric_id);
PW_IMPORT(proxy_increment_metric)
pw_status proxy_increment_metric(uint32_t metric_id, int64_t offset);
PW_IMPORT(proxy_record_metric)
pw_status proxy_record_metric(uint32_t metric_id, uint64_t value);
PW_IMPORT(proxy_get_metric)
pw_status proxy_get_metric(uint32_t metric_id, uint64_t *return_value);

/* Foreign functions */
PW_IMPORT(proxy_call_foreign_function)
pw_status proxy_call_foreign_function(const char *name, size_t name_size, const char *args,
                                      size_t args_size, char **return_results,
                                      size_t *return_results_size);

/* ------------------------------------------------------------------------------------------ */
/* Guest-side helpers                                                                         */
/* ------------------------------------------------------------------------------------------ */

#define PW_EXPORT(name) __attribute__((export_name(#name)))

/* Declares the ABI marker export. Use once per module, at file scope. */
#define PROXY_WASM_ABI_0_2_1() \
  PW_EXPORT(proxy_abi_version_0_2_1) void proxy_abi_version_0_2_1(void) {}

/* Declares the allocator the host uses to hand data to the guest. Use once per module. */
#define PROXY_WASM_ALLOCATOR() \
  PW_EXPORT(proxy_on_memory_allocate) void *proxy_on_memory_allocate(size_t size) { \
    return malloc(size); \
  }

/* Logs a NUL-terminated string. */
static inline pw_status pw_log(pw_log_level level, const char *msg) {
  return proxy_log(level, msg, strlen(msg));
}

/* A (pointer, length) view; data is owned by the guest (malloc'd by the host) unless noted. */
typedef struct {
  const char *data;
  size_t size;
} pw_bytes;

static inline void pw_bytes_free(pw_bytes *b) {
  free((void *)b->data);
  b->data = NULL;
  b->size = 0;
}

#endif /* WASMESH_PROXY_WASM_ABI_H */
