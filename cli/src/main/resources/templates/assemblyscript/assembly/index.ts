// {{name}}: sets `hello: world` on every response; logs at critical level if the host refuses.
export * from "@gcoredev/proxy-wasm-sdk-as/assembly/proxy";
import {
  Context,
  FilterHeadersStatusValues,
  registerRootContext,
  RootContext,
} from "@gcoredev/proxy-wasm-sdk-as/assembly";

// Two host calls are declared here rather than taken from the SDK: its header helpers abort the VM
// on failure, and its log() writes to WASI stdout (which Envoy logs at info, not critical).
// @ts-ignore: decorator
@external("env", "proxy_replace_header_map_value")
declare function proxy_replace_header_map_value(
  mapType: u32,
  keyData: usize,
  keySize: usize,
  valueData: usize,
  valueSize: usize,
): u32;

// @ts-ignore: decorator
@external("env", "proxy_log")
declare function proxy_log(level: u32, messageData: usize, messageSize: usize): u32;

const HTTP_RESPONSE_HEADERS: u32 = 2;
const LOG_CRITICAL: u32 = 5;
const STATUS_OK: u32 = 0;

function logCritical(message: string): void {
  const data = String.UTF8.encode(message);
  proxy_log(LOG_CRITICAL, changetype<usize>(data), data.byteLength);
}

class HelloRoot extends RootContext {
  createContext(context_id: u32): Context {
    return new Hello(context_id, this);
  }
}

class Hello extends Context {
  constructor(context_id: u32, root_context: HelloRoot) {
    super(context_id, root_context);
  }

  onResponseHeaders(headers: u32, end_of_stream: bool): FilterHeadersStatusValues {
    const key = String.UTF8.encode("hello");
    const value = String.UTF8.encode("world");
    const status = proxy_replace_header_map_value(
      HTTP_RESPONSE_HEADERS,
      changetype<usize>(key),
      key.byteLength,
      changetype<usize>(value),
      value.byteLength,
    );
    if (status != STATUS_OK) {
      logCritical("{{name}}: failed to set hello header, status " + status.toString());
    }
    return FilterHeadersStatusValues.Continue;
  }
}

registerRootContext((context_id: u32) => {
  return new HelloRoot(context_id);
}, "{{rootId}}");
