/*
 * c-all - a proxy-wasm (ABI 0.2.1) HTTP filter that calls every family of host functions, so a
 * host can be tested against a real compiled binary. Every behaviour is observable from outside
 * (request/response headers, local responses, logs, metrics, shared data, stdout/stderr); the
 * exact contract is documented in examples/README.md and Java tests assert it, so keep the two
 * in sync when changing anything here.
 *
 * Conventions:
 *   - Request headers this filter adds are named x-c-all-*; they are *added* (never replaced).
 *   - When a host call that a behaviour depends on fails, the filter adds the request header
 *     `x-c-all-error: <host function> <status>` (status as a decimal number) and carries on.
 *   - Numbers written into headers and logs are plain decimal.
 */
#include <stdio.h>

#include "proxy_wasm_abi.h"

PROXY_WASM_ABI_0_2_1()
PROXY_WASM_ALLOCATOR()

/* ------------------------------------------------------------------------------------------ */
/* Small helpers                                                                              */
/* ------------------------------------------------------------------------------------------ */

#define LIT(s) (s), (sizeof(s) - 1) /* a string literal as (pointer, length) */

static void log_bytes(pw_log_level level, const char *prefix, const char *data, size_t size) {
  size_t plen = strlen(prefix);
  char *msg = malloc(plen + size + 1);
  if (msg == NULL) return;
  memcpy(msg, prefix, plen);
  if (size > 0) memcpy(msg + plen, data, size);
  proxy_log(level, msg, plen + size);
  free(msg);
}

static void logf_info(const char *fmt, unsigned long long n) {
  char msg[96];
  int len = snprintf(msg, sizeof(msg), fmt, n);
  if (len > 0) proxy_log(PW_LOG_INFO, msg, (size_t)len < sizeof(msg) ? (size_t)len : sizeof(msg) - 1);
}

static void add_request_header(const char *key, const char *value, size_t value_size) {
  proxy_add_header_map_value(PW_MAP_HTTP_REQUEST_HEADERS, key, strlen(key), value, value_size);
}

static void add_request_header_str(const char *key, const char *value) {
  add_request_header(key, value, strlen(value));
}

static void add_request_header_num(const char *key, unsigned long long n) {
  char buf[24];
  int len = snprintf(buf, sizeof(buf), "%llu", n);
  add_request_header(key, buf, (size_t)len);
}

/* Reports a failed host call on the current stream as `x-c-all-error: <fn> <status>`. */
static void report_error(const char *function, pw_status status) {
  char buf[96];
  int len = snprintf(buf, sizeof(buf), "%s %d", function, (int)status);
  add_request_header("x-c-all-error", buf, (size_t)len);
}

/* Reads a header value; returns an empty view when absent. Caller frees. */
static pw_bytes get_header(pw_map_type map, const char *key, pw_status *status_out) {
  pw_bytes out = {NULL, 0};
  pw_status s = proxy_get_header_map_value(map, key, strlen(key), &out.data, &out.size);
  if (status_out) *status_out = s;
  if (s != PW_OK) out.data = NULL, out.size = 0;
  return out;
}

/* Reads a property (segments already joined by NUL). Caller frees. */
static pw_bytes get_property(const char *path, size_t path_size, pw_status *status_out) {
  pw_bytes out = {NULL, 0};
  pw_status s = proxy_get_property(path, path_size, &out.data, &out.size);
  if (status_out) *status_out = s;
  if (s != PW_OK) out.data = NULL, out.size = 0;
  return out;
}

/* Reads a whole buffer (length "all"). Caller frees. */
static pw_bytes get_buffer(pw_buffer_type type, size_t start, size_t length) {
  pw_bytes out = {NULL, 0};
  if (proxy_get_buffer_bytes(type, start, length, &out.data, &out.size) != PW_OK) {
    out.data = NULL, out.size = 0;
  }
  return out;
}

static int bytes_equal(pw_bytes b, const char *s) {
  size_t n = strlen(s);
  return b.size == n && (n == 0 || memcmp(b.data, s, n) == 0);
}

static uint32_t read_u32(const char *p) {
  uint32_t v;
  memcpy(&v, p, 4); /* wasm is little-endian, like the header-map encoding */
  return v;
}

static void write_u32(char *p, uint32_t v) { memcpy(p, &v, 4); }

/* ------------------------------------------------------------------------------------------ */
/* Per-plugin (root) state. One module instance may host several root contexts; the metrics and */
/* the queue are shared by all of them, which is fine for a test filter.                       */
/* ------------------------------------------------------------------------------------------ */

static uint32_t metric_requests;  /* counter   c_all_requests  */
static uint32_t metric_inflight;  /* gauge     c_all_inflight  */
static uint32_t metric_body_size; /* histogram c_all_body_size */
static uint32_t queue_id;         /* registered queue c_all_queue */
static uint32_t deferred_done_root; /* root context whose proxy_done is pending (0 = none) */
static int defer_done_configured;   /* plugin configuration was `defer-done` */

/* ------------------------------------------------------------------------------------------ */
/* Per-stream state, kept in a small linked list keyed by context id.                         */
/* ------------------------------------------------------------------------------------------ */

typedef struct stream {
  uint32_t id;
  int saw_request_headers; /* inflight gauge was incremented */
  int buffer_request;      /* request header x-buffer: yes */
  int buffer_response;     /* response header x-buffer-response present */
  /* gRPC stream results, reported when the stream closes */
  char *grpc_message;
  size_t grpc_message_size;
  uint32_t grpc_initial_metadata;
  uint32_t grpc_trailing_metadata;
  struct stream *next;
} stream;

static stream *streams;

static stream *find_stream(uint32_t id) {
  for (stream *s = streams; s != NULL; s = s->next)
    if (s->id == id) return s;
  return NULL;
}

static stream *get_stream(uint32_t id) {
  stream *s = find_stream(id);
  if (s == NULL) {
    s = calloc(1, sizeof(stream));
    if (s == NULL) abort();
    s->id = id;
    s->next = streams;
    streams = s;
  }
  return s;
}

static void delete_stream(uint32_t id) {
  for (stream **p = &streams; *p != NULL; p = &(*p)->next) {
    if ((*p)->id == id) {
      stream *s = *p;
      *p = s->next;
      free(s->grpc_message);
      free(s);
      return;
    }
  }
}

/* Call-outs in flight: token -> the stream context that started it. HTTP and gRPC tokens come
 * from different counters in some hosts, so the kind is part of the key. */
typedef enum { CALL_HTTP, CALL_GRPC_UNARY, CALL_GRPC_STREAM } call_kind;

typedef struct call {
  call_kind kind;
  uint32_t token;
  uint32_t context_id;
  struct call *next;
} call;

static call *calls;

static void remember_call(call_kind kind, uint32_t token, uint32_t context_id) {
  call *c = malloc(sizeof(call));
  if (c == NULL) abort();
  c->kind = kind;
  c->token = token;
  c->context_id = context_id;
  c->next = calls;
  calls = c;
}

static call *find_call(int grpc, uint32_t token) {
  for (call *c = calls; c != NULL; c = c->next)
    if (c->token == token && ((c->kind == CALL_HTTP) == !grpc)) return c;
  return NULL;
}

static void forget_call(call *target) {
  for (call **p = &calls; *p != NULL; p = &(*p)->next) {
    if (*p == target) {
      *p = target->next;
      free(target);
      return;
    }
  }
}

/* ------------------------------------------------------------------------------------------ */
/* Root-context callbacks                                                                     */
/* ------------------------------------------------------------------------------------------ */

PW_EXPORT(proxy_on_context_create)
void proxy_on_context_create(uint32_t context_id, uint32_t parent_context_id) {
  if (parent_context_id != 0) get_stream(context_id);
}

PW_EXPORT(proxy_on_vm_start)
uint32_t proxy_on_vm_start(uint32_t root_context_id, uint32_t vm_configuration_size) {
  (void)root_context_id;
  (void)vm_configuration_size;
  /* WASI: one line to stdout (fd_write on fd 1). */
  printf("c-all stdout hello\n");
  fflush(stdout);
  pw_bytes config = get_buffer(PW_BUFFER_VM_CONFIGURATION, 0, PW_ALL_BYTES);
  log_bytes(PW_LOG_INFO, "vm config: ", config.data, config.size);
  pw_bytes_free(&config);
  return 1;
}

PW_EXPORT(proxy_on_configure)
uint32_t proxy_on_configure(uint32_t root_context_id, uint32_t plugin_configuration_size) {
  (void)plugin_configuration_size;
  pw_bytes config = get_buffer(PW_BUFFER_PLUGIN_CONFIGURATION, 0, PW_ALL_BYTES);
  if (bytes_equal(config, "fail")) {
    /* WASI: stderr (fd 2) so the host's error-log path is exercised too. */
    fprintf(stderr, "c-all: plugin configuration rejected\n");
    pw_bytes_free(&config);
    return 0;
  }
  log_bytes(PW_LOG_INFO, "plugin config: ", config.data, config.size);
  defer_done_configured = bytes_equal(config, "defer-done");
  pw_bytes_free(&config);

  proxy_define_metric(PW_METRIC_COUNTER, LIT("c_all_requests"), &metric_requests);
  proxy_define_metric(PW_METRIC_GAUGE, LIT("c_all_inflight"), &metric_inflight);
  proxy_define_metric(PW_METRIC_HISTOGRAM, LIT("c_all_body_size"), &metric_body_size);
  proxy_set_tick_period_milliseconds(1000);
  proxy_register_shared_queue(LIT("c_all_queue"), &queue_id);
  (void)root_context_id;
  return 1;
}

/* Each tick increments the process-wide shared counter `c_all_ticks` (decimal text) with a
 * compare-and-swap, then logs `tick N`. It also completes a deferred proxy_done. */
PW_EXPORT(proxy_on_tick)
void proxy_on_tick(uint32_t root_context_id) {
  if (deferred_done_root == root_context_id) {
    deferred_done_root = 0;
    pw_log(PW_LOG_INFO, "c-all: calling proxy_done");
    proxy_done();
    return;
  }
  pw_bytes value = {NULL, 0};
  uint32_t cas = 0;
  unsigned long long n = 0;
  pw_status s = proxy_get_shared_data(LIT("c_all_ticks"), &value.data, &value.size, &cas);
  if (s == PW_OK && value.size > 0 && value.size < 24) {
    char text[24];
    memcpy(text, value.data, value.size);
    text[value.size] = '\0';
    n = strtoull(text, NULL, 10);
  } else if (s != PW_OK) {
    cas = 0; /* NOT_FOUND: first tick anywhere */
  }
  pw_bytes_free(&value);
  n++;
  char text[24];
  int len = snprintf(text, sizeof(text), "%llu", n);
  s = proxy_set_shared_data(LIT("c_all_ticks"), text, (size_t)len, cas);
  if (s == PW_CAS_MISMATCH) {
    pw_log(PW_LOG_WARN, "tick: cas mismatch");
    return;
  }
  logf_info("tick %llu", n);
}

PW_EXPORT(proxy_on_queue_ready)
void proxy_on_queue_ready(uint32_t root_context_id, uint32_t ready_queue_id) {
  (void)root_context_id;
  for (;;) {
    pw_bytes item = {NULL, 0};
    if (proxy_dequeue_shared_queue(ready_queue_id, &item.data, &item.size) != PW_OK) break;
    log_bytes(PW_LOG_INFO, "queue: ", item.data, item.size);
    pw_bytes_free(&item);
  }
}

/* ------------------------------------------------------------------------------------------ */
/* Request path handlers (called from proxy_on_request_headers)                               */
/* ------------------------------------------------------------------------------------------ */

static pw_action handle_local(void) {
  /* additional headers in the header-map encoding: {x-c-all: local} */
  static const char headers[] = "\x01\x00\x00\x00"
                                "\x07\x00\x00\x00\x05\x00\x00\x00"
                                "x-c-all\0local";
  pw_status s = proxy_send_local_response(403, LIT("c_all_denied"), LIT("denied by c-all"),
                                          headers, sizeof(headers), -1);
  if (s != PW_OK) {
    report_error("proxy_send_local_response", s);
    return PW_ACTION_CONTINUE;
  }
  return PW_ACTION_PAUSE;
}

static pw_action handle_callout(uint32_t context_id) {
  /* {:method GET, :path /callout-target, :authority backend} */
  static const char headers[] = "\x03\x00\x00\x00"
                                "\x07\x00\x00\x00\x03\x00\x00\x00"
                                "\x05\x00\x00\x00\x0f\x00\x00\x00"
                                "\x0a\x00\x00\x00\x07\x00\x00\x00"
                                ":method\0GET\0"
                                ":path\0/callout-target\0"
                                ":authority\0backend";
  uint32_t token = 0;
  pw_status s = proxy_http_call(LIT("backend"), headers, sizeof(headers), NULL, 0, NULL, 0, 5000,
                                &token);
  if (s != PW_OK) {
    report_error("proxy_http_call", s);
    return PW_ACTION_CONTINUE;
  }
  remember_call(CALL_HTTP, token, context_id);
  return PW_ACTION_PAUSE;
}

static pw_action handle_grpc(uint32_t context_id) {
  uint32_t token = 0;
  pw_status s = proxy_grpc_call(LIT("backend"), LIT("grpc.Service"), LIT("Method"), NULL, 0,
                                LIT("c-all-ping"), 5000, &token);
  if (s != PW_OK) {
    report_error("proxy_grpc_call", s);
    return PW_ACTION_CONTINUE;
  }
  remember_call(CALL_GRPC_UNARY, token, context_id);
  return PW_ACTION_PAUSE;
}

static pw_action handle_grpc_stream(uint32_t context_id) {
  /* initial metadata {x-c-all-md: 1} */
  static const char metadata[] = "\x01\x00\x00\x00"
                                 "\x0a\x00\x00\x00\x01\x00\x00\x00"
                                 "x-c-all-md\0" "1";
  uint32_t token = 0;
  pw_status s = proxy_grpc_stream(LIT("backend"), LIT("grpc.Service"), LIT("Stream"), metadata,
                                  sizeof(metadata), &token);
  if (s != PW_OK) {
    report_error("proxy_grpc_stream", s);
    return PW_ACTION_CONTINUE;
  }
  s = proxy_grpc_send(token, LIT("c-all-stream"), 1);
  if (s != PW_OK) {
    report_error("proxy_grpc_send", s);
    proxy_grpc_cancel(token);
    return PW_ACTION_CONTINUE;
  }
  remember_call(CALL_GRPC_STREAM, token, context_id);
  return PW_ACTION_PAUSE;
}

static void handle_grpc_cancel(void) {
  uint32_t token = 0;
  pw_status s = proxy_grpc_call(LIT("backend"), LIT("grpc.Service"), LIT("Method"), NULL, 0,
                                LIT("c-all-cancelled"), 5000, &token);
  if (s != PW_OK) {
    report_error("proxy_grpc_call", s);
    return;
  }
  add_request_header_num("x-c-all-grpc-cancel", (unsigned long long)proxy_grpc_cancel(token));
}

static void handle_grpc_close(void) {
  uint32_t token = 0;
  pw_status s = proxy_grpc_stream(LIT("backend"), LIT("grpc.Service"), LIT("Stream"), NULL, 0,
                                  &token);
  if (s != PW_OK) {
    report_error("proxy_grpc_stream", s);
    return;
  }
  add_request_header_num("x-c-all-grpc-close", (unsigned long long)proxy_grpc_close(token));
}

static void handle_shared(void) {
  pw_bytes value = get_header(PW_MAP_HTTP_REQUEST_HEADERS, "x-value", NULL);
  pw_status s = proxy_set_shared_data(LIT("c_all_key"), value.data, value.size, 0);
  pw_bytes_free(&value);
  if (s != PW_OK) {
    report_error("proxy_set_shared_data", s);
    return;
  }
  pw_bytes back = {NULL, 0};
  uint32_t cas = 0;
  s = proxy_get_shared_data(LIT("c_all_key"), &back.data, &back.size, &cas);
  if (s != PW_OK) {
    report_error("proxy_get_shared_data", s);
    return;
  }
  add_request_header("x-c-all-shared", back.data, back.size);
  pw_bytes_free(&back);
}

static void handle_queue(void) {
  /* Resolve the queue by this plugin's own VM id, as another plugin of the VM would. */
  pw_bytes vm_id = get_property(LIT("plugin_vm_id"), NULL);
  uint32_t id = 0;
  pw_status s = proxy_resolve_shared_queue(vm_id.data, vm_id.size, LIT("c_all_queue"), &id);
  pw_bytes_free(&vm_id);
  if (s != PW_OK) {
    report_error("proxy_resolve_shared_queue", s);
    return;
  }
  pw_bytes value = get_header(PW_MAP_HTTP_REQUEST_HEADERS, "x-value", NULL);
  s = proxy_enqueue_shared_queue(id, value.data, value.size);
  pw_bytes_free(&value);
  if (s != PW_OK) {
    report_error("proxy_enqueue_shared_queue", s);
    return;
  }
  add_request_header_str("x-c-all-queue", "enqueued");
}

static void handle_foreign(void) {
  char *result = NULL;
  size_t size = 0;
  pw_status s = proxy_call_foreign_function(LIT("echo"), LIT("ping"), &result, &size);
  if (s != PW_OK) {
    report_error("proxy_call_foreign_function", s);
    return;
  }
  add_request_header("x-c-all-foreign", result, size);
  free(result);
}

static void handle_metric(void) {
  uint64_t value = 0;
  pw_status s = proxy_get_metric(metric_requests, &value);
  if (s != PW_OK) {
    report_error("proxy_get_metric", s);
    return;
  }
  add_request_header_num("x-c-all-count", value);
  s = proxy_get_metric(metric_inflight, &value);
  if (s != PW_OK) {
    report_error("proxy_get_metric", s);
    return;
  }
  add_request_header_num("x-c-all-inflight", value);
}

static void handle_pairs(void) {
  pw_bytes pairs = {NULL, 0};
  pw_status s = proxy_get_header_map_pairs(PW_MAP_HTTP_REQUEST_HEADERS, &pairs.data, &pairs.size);
  if (s != PW_OK) {
    report_error("proxy_get_header_map_pairs", s);
    return;
  }
  uint32_t count = pairs.size >= 4 ? read_u32(pairs.data) : 0;
  pw_bytes_free(&pairs);
  size_t map_size = 0;
  s = proxy_get_header_map_size(PW_MAP_HTTP_REQUEST_HEADERS, &map_size);
  add_request_header_num("x-c-all-header-count", count);
  if (s != PW_OK) {
    report_error("proxy_get_header_map_size", s);
    return;
  }
  add_request_header_num("x-c-all-header-size", map_size);
}

/* Rewrites the whole request header map: the current pairs plus `x-c-all-set-pairs: yes`. */
static void handle_set_pairs(void) {
  pw_bytes pairs = {NULL, 0};
  pw_status s = proxy_get_header_map_pairs(PW_MAP_HTTP_REQUEST_HEADERS, &pairs.data, &pairs.size);
  if (s != PW_OK || pairs.size < 4) {
    report_error("proxy_get_header_map_pairs", s);
    pw_bytes_free(&pairs);
    return;
  }
  static const char key[] = "x-c-all-set-pairs", value[] = "yes";
  uint32_t count = read_u32(pairs.data);
  size_t old_sizes = 8 * (size_t)count, old_data = pairs.size - 4 - old_sizes;
  size_t new_size = 4 + old_sizes + 8 + old_data + sizeof(key) + sizeof(value);
  char *out = malloc(new_size);
  if (out == NULL) abort();
  write_u32(out, count + 1);
  memcpy(out + 4, pairs.data + 4, old_sizes);
  write_u32(out + 4 + old_sizes, sizeof(key) - 1);
  write_u32(out + 8 + old_sizes, sizeof(value) - 1);
  char *data = out + 12 + old_sizes;
  memcpy(data, pairs.data + 4 + old_sizes, old_data);
  memcpy(data + old_data, key, sizeof(key));                  /* includes the NUL */
  memcpy(data + old_data + sizeof(key), value, sizeof(value)); /* includes the NUL */
  pw_bytes_free(&pairs);
  s = proxy_set_header_map_pairs(PW_MAP_HTTP_REQUEST_HEADERS, out, new_size);
  free(out);
  if (s != PW_OK) report_error("proxy_set_header_map_pairs", s);
}

static void handle_remove(void) {
  pw_status s = proxy_remove_header_map_value(PW_MAP_HTTP_REQUEST_HEADERS, LIT("x-remove-me"));
  if (s != PW_OK) report_error("proxy_remove_header_map_value", s);
}

/* Envoy keeps a set value in the stream's filter state under the whole path but resolves a get by
 * the path's first segment, so only a one-segment name (one Envoy does not answer itself) reads
 * back what was set. */
static void handle_property(void) {
  pw_status s = proxy_set_property(LIT("c_all_custom"), LIT("v"));
  if (s != PW_OK) {
    report_error("proxy_set_property", s);
    return;
  }
  pw_bytes back = get_property(LIT("c_all_custom"), &s);
  if (s != PW_OK) {
    report_error("proxy_get_property", s);
    return;
  }
  add_request_header("x-c-all-property", back.data, back.size);
  pw_bytes_free(&back);
}

static void handle_log_level(void) {
  pw_log_level level = PW_LOG_TRACE;
  pw_status s = proxy_get_log_level(&level);
  if (s != PW_OK) {
    report_error("proxy_get_log_level", s);
    return;
  }
  add_request_header_num("x-c-all-log-level", (unsigned long long)level);
}

static void handle_time(void) {
  uint64_t now = 0;
  pw_status s = proxy_get_current_time_nanoseconds(&now);
  if (s != PW_OK) {
    report_error("proxy_get_current_time_nanoseconds", s);
    return;
  }
  /* 2020-01-01T00:00:00Z in ns: a sane wall clock is later than this. */
  add_request_header_str("x-c-all-time", now > 1577836800000000000ull ? "ok" : "bad");
}

static pw_action handle_close(void) {
  pw_status s = proxy_close_stream(PW_STREAM_HTTP_REQUEST);
  if (s != PW_OK) {
    report_error("proxy_close_stream", s);
    return PW_ACTION_CONTINUE;
  }
  return PW_ACTION_PAUSE;
}

/* ------------------------------------------------------------------------------------------ */
/* Stream callbacks                                                                           */
/* ------------------------------------------------------------------------------------------ */

PW_EXPORT(proxy_on_request_headers)
pw_action proxy_on_request_headers(uint32_t context_id, uint32_t num_headers,
                                   uint32_t end_of_stream) {
  (void)num_headers;
  (void)end_of_stream;
  stream *st = get_stream(context_id);
  proxy_increment_metric(metric_requests, 1);
  proxy_increment_metric(metric_inflight, 1);
  st->saw_request_headers = 1;

  pw_bytes buffer = get_header(PW_MAP_HTTP_REQUEST_HEADERS, "x-buffer", NULL);
  st->buffer_request = bytes_equal(buffer, "yes");
  pw_bytes_free(&buffer);

  /* Dispatch on :path without its query string. Headers are read before anything is added so
   * /pairs counts only what the client sent. */
  pw_bytes path = get_header(PW_MAP_HTTP_REQUEST_HEADERS, ":path", NULL);
  size_t route_len = 0;
  while (route_len < path.size && path.data[route_len] != '?') route_len++;
  char route[32] = "";
  if (route_len < sizeof(route)) {
    memcpy(route, path.data, route_len);
    route[route_len] = '\0';
  }

  pw_action action = PW_ACTION_CONTINUE;
  if (strcmp(route, "/local") == 0) {
    action = handle_local();
    if (action == PW_ACTION_PAUSE) {
      pw_bytes_free(&path);
      return action; /* the stream is answered locally: add nothing upstream */
    }
  } else if (strcmp(route, "/callout") == 0) {
    action = handle_callout(context_id);
  } else if (strcmp(route, "/grpc") == 0) {
    action = handle_grpc(context_id);
  } else if (strcmp(route, "/grpc-stream") == 0) {
    action = handle_grpc_stream(context_id);
  } else if (strcmp(route, "/grpc-cancel") == 0) {
    handle_grpc_cancel();
  } else if (strcmp(route, "/grpc-close") == 0) {
    handle_grpc_close();
  } else if (strcmp(route, "/shared") == 0) {
    handle_shared();
  } else if (strcmp(route, "/queue") == 0) {
    handle_queue();
  } else if (strcmp(route, "/foreign") == 0) {
    handle_foreign();
  } else if (strcmp(route, "/metric") == 0) {
    handle_metric();
  } else if (strcmp(route, "/pairs") == 0) {
    handle_pairs();
  } else if (strcmp(route, "/setpairs") == 0) {
    handle_set_pairs();
  } else if (strcmp(route, "/remove") == 0) {
    handle_remove();
  } else if (strcmp(route, "/property") == 0) {
    handle_property();
  } else if (strcmp(route, "/loglevel") == 0) {
    handle_log_level();
  } else if (strcmp(route, "/time") == 0) {
    handle_time();
  } else if (strcmp(route, "/close") == 0) {
    action = handle_close();
  }

  /* Common headers on every request that is not answered locally. */
  add_request_header("x-c-all-path", path.data, path.size);
  pw_bytes_free(&path);
  static const char request_path[] = "request\0path";
  pw_bytes prop = get_property(request_path, sizeof(request_path) - 1, NULL);
  if (prop.data != NULL) add_request_header("x-c-all-request-path", prop.data, prop.size);
  pw_bytes_free(&prop);
  prop = get_property(LIT("plugin_root_id"), NULL);
  if (prop.data != NULL) add_request_header("x-c-all-root-id", prop.data, prop.size);
  pw_bytes_free(&prop);
  return action;
}

/* With `x-buffer: yes`, buffers the whole request body, then replaces it upper-cased and
 * records its size in the histogram. */
PW_EXPORT(proxy_on_request_body)
pw_action proxy_on_request_body(uint32_t context_id, uint32_t body_size, uint32_t end_of_stream) {
  stream *st = find_stream(context_id);
  if (st == NULL || !st->buffer_request) return PW_ACTION_CONTINUE;
  if (!end_of_stream) return PW_ACTION_PAUSE; /* StopIterationAndBuffer */

  size_t length = body_size;
  uint32_t flags = 0;
  if (proxy_get_buffer_status(PW_BUFFER_HTTP_REQUEST_BODY, &length, &flags) != PW_OK)
    length = body_size; /* the argument is authoritative; the status call is a cross-check */
  pw_bytes body = get_buffer(PW_BUFFER_HTTP_REQUEST_BODY, 0, length);
  char *upper = malloc(body.size + 1);
  if (upper == NULL) abort();
  for (size_t i = 0; i < body.size; i++) {
    char c = body.data[i];
    upper[i] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
  }
  proxy_set_buffer_bytes(PW_BUFFER_HTTP_REQUEST_BODY, 0, body.size, upper, body.size);
  free(upper);
  proxy_record_metric(metric_body_size, body.size);
  pw_bytes_free(&body);
  return PW_ACTION_CONTINUE;
}

PW_EXPORT(proxy_on_request_trailers)
pw_action proxy_on_request_trailers(uint32_t context_id, uint32_t num_trailers) {
  (void)context_id;
  (void)num_trailers;
  proxy_add_header_map_value(PW_MAP_HTTP_REQUEST_TRAILERS, LIT("x-c-all-trailer"), LIT("seen"));
  return PW_ACTION_CONTINUE;
}

PW_EXPORT(proxy_on_response_headers)
pw_action proxy_on_response_headers(uint32_t context_id, uint32_t num_headers,
                                    uint32_t end_of_stream) {
  (void)num_headers;
  (void)end_of_stream;
  stream *st = get_stream(context_id);
  pw_status present = PW_NOT_FOUND;
  pw_bytes marker = get_header(PW_MAP_HTTP_RESPONSE_HEADERS, "x-buffer-response", &present);
  st->buffer_response = present == PW_OK;
  pw_bytes_free(&marker);
  proxy_add_header_map_value(PW_MAP_HTTP_RESPONSE_HEADERS, LIT("x-c-all-response"), LIT("yes"));
  proxy_replace_header_map_value(PW_MAP_HTTP_RESPONSE_HEADERS, LIT("x-c-all-replaced"), LIT("yes"));
  proxy_remove_header_map_value(PW_MAP_HTTP_RESPONSE_HEADERS, LIT("x-powered-by"));
  return PW_ACTION_CONTINUE;
}

/* With response header x-buffer-response, buffers the whole body and prepends `[c-all]`. */
PW_EXPORT(proxy_on_response_body)
pw_action proxy_on_response_body(uint32_t context_id, uint32_t body_size, uint32_t end_of_stream) {
  (void)body_size;
  stream *st = find_stream(context_id);
  if (st == NULL || !st->buffer_response) return PW_ACTION_CONTINUE;
  if (!end_of_stream) return PW_ACTION_PAUSE;
  proxy_set_buffer_bytes(PW_BUFFER_HTTP_RESPONSE_BODY, 0, 0, LIT("[c-all]")); /* start 0, length 0: prepend */
  return PW_ACTION_CONTINUE;
}

PW_EXPORT(proxy_on_response_trailers)
pw_action proxy_on_response_trailers(uint32_t context_id, uint32_t num_trailers) {
  (void)context_id;
  (void)num_trailers;
  proxy_add_header_map_value(PW_MAP_HTTP_RESPONSE_TRAILERS, LIT("x-c-all-trailer"), LIT("seen"));
  return PW_ACTION_CONTINUE;
}

/* Request headers must still be readable here: :path is read again, not remembered. */
PW_EXPORT(proxy_on_log)
void proxy_on_log(uint32_t context_id) {
  if (find_stream(context_id) == NULL) return; /* root contexts log nothing */
  pw_bytes path = get_header(PW_MAP_HTTP_REQUEST_HEADERS, ":path", NULL);
  log_bytes(PW_LOG_INFO, "log: ", path.data, path.size);
  pw_bytes_free(&path);
}

/* Root contexts of a `defer-done` plugin return 0 and call proxy_done on the next tick. */
PW_EXPORT(proxy_on_done)
uint32_t proxy_on_done(uint32_t context_id) {
  if (find_stream(context_id) == NULL && defer_done_configured) {
    deferred_done_root = context_id;
    pw_log(PW_LOG_INFO, "c-all: deferring done");
    return 0;
  }
  return 1;
}

PW_EXPORT(proxy_on_delete)
void proxy_on_delete(uint32_t context_id) {
  stream *st = find_stream(context_id);
  if (st != NULL && st->saw_request_headers) proxy_increment_metric(metric_inflight, -1);
  delete_stream(context_id);
}

/* ------------------------------------------------------------------------------------------ */
/* Call-out callbacks: they arrive on the root context; switch to the stream that started it.  */
/* ------------------------------------------------------------------------------------------ */

PW_EXPORT(proxy_on_http_call_response)
void proxy_on_http_call_response(uint32_t root_context_id, uint32_t token, uint32_t num_headers,
                                 uint32_t body_size, uint32_t num_trailers) {
  (void)root_context_id;
  (void)num_headers;
  (void)num_trailers;
  call *c = find_call(0, token);
  if (c == NULL) {
    pw_log(PW_LOG_WARN, "c-all: http call response for an unknown token");
    return;
  }
  uint32_t context_id = c->context_id;
  forget_call(c);

  pw_bytes status = get_header(PW_MAP_HTTP_CALL_RESPONSE_HEADERS, ":status", NULL);
  pw_bytes body = get_buffer(PW_BUFFER_HTTP_CALL_RESPONSE_BODY, 0, body_size);
  pw_status s = proxy_set_effective_context(context_id);
  if (s == PW_OK) {
    add_request_header("x-c-all-callout-status", status.data, status.size);
    add_request_header("x-c-all-callout-body", body.data, body.size);
    proxy_continue_stream(PW_STREAM_HTTP_REQUEST);
  }
  pw_bytes_free(&status);
  pw_bytes_free(&body);
}

PW_EXPORT(proxy_on_grpc_receive_initial_metadata)
void proxy_on_grpc_receive_initial_metadata(uint32_t root_context_id, uint32_t token,
                                            uint32_t num_headers) {
  (void)root_context_id;
  call *c = find_call(1, token);
  if (c == NULL) return;
  stream *st = find_stream(c->context_id);
  if (st != NULL) st->grpc_initial_metadata = num_headers;
}

PW_EXPORT(proxy_on_grpc_receive_trailing_metadata)
void proxy_on_grpc_receive_trailing_metadata(uint32_t root_context_id, uint32_t token,
                                             uint32_t num_trailers) {
  (void)root_context_id;
  call *c = find_call(1, token);
  if (c == NULL) return;
  stream *st = find_stream(c->context_id);
  if (st != NULL) st->grpc_trailing_metadata = num_trailers;
}

/* Unary call: the message completes the call, resume the stream now. Streaming call: keep the
 * message until the stream closes. */
PW_EXPORT(proxy_on_grpc_receive)
void proxy_on_grpc_receive(uint32_t root_context_id, uint32_t token, uint32_t message_size) {
  (void)root_context_id;
  call *c = find_call(1, token);
  if (c == NULL) return;
  pw_bytes message = get_buffer(PW_BUFFER_GRPC_CALL_MESSAGE, 0, message_size);
  if (c->kind == CALL_GRPC_STREAM) {
    stream *st = find_stream(c->context_id);
    if (st != NULL) {
      free(st->grpc_message);
      st->grpc_message = malloc(message.size + 1);
      if (st->grpc_message == NULL) abort();
      if (message.size > 0) memcpy(st->grpc_message, message.data, message.size);
      st->grpc_message_size = message.size;
    }
    pw_bytes_free(&message);
    return;
  }
  uint32_t context_id = c->context_id;
  forget_call(c);
  if (proxy_set_effective_context(context_id) == PW_OK) {
    add_request_header("x-c-all-grpc", message.data, message.size);
    proxy_continue_stream(PW_STREAM_HTTP_REQUEST);
  }
  pw_bytes_free(&message);
}

/* End of a gRPC call: failure of a unary call, or the end of a stream. proxy_get_status reports
 * the gRPC status code and message. */
PW_EXPORT(proxy_on_grpc_close)
void proxy_on_grpc_close(uint32_t root_context_id, uint32_t token, uint32_t status_code) {
  (void)root_context_id;
  call *c = find_call(1, token);
  if (c == NULL) return;
  uint32_t context_id = c->context_id;
  call_kind kind = c->kind;
  forget_call(c);
  if (proxy_set_effective_context(context_id) != PW_OK) return;

  uint32_t code = status_code;
  pw_bytes message = {NULL, 0};
  pw_status s = proxy_get_status(&code, &message.data, &message.size);
  if (s == PW_OK) {
    add_request_header_num("x-c-all-grpc-status", code);
    add_request_header("x-c-all-grpc-message", message.data, message.size);
    pw_bytes_free(&message);
  } else {
    report_error("proxy_get_status", s);
    add_request_header_num("x-c-all-grpc-status", status_code);
  }
  if (kind == CALL_GRPC_STREAM) {
    stream *st = find_stream(context_id);
    if (st != NULL) {
      if (st->grpc_message != NULL)
        add_request_header("x-c-all-grpc", st->grpc_message, st->grpc_message_size);
      char md[32];
      int len = snprintf(md, sizeof(md), "%u/%u", (unsigned)st->grpc_initial_metadata,
                         (unsigned)st->grpc_trailing_metadata);
      add_request_header("x-c-all-grpc-metadata", md, (size_t)len);
    }
  }
  proxy_continue_stream(PW_STREAM_HTTP_REQUEST);
}
