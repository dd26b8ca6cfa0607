// as-gcore - a proxy-wasm filter built with AssemblyScript 0.28, @assemblyscript/wasi-shim and
// @gcoredev/proxy-wasm-sdk-as (ABI 0.2.1, marker export proxy_abi_version_0_2_1).
//
// The module is a WASI command: the host must run its `_start` export once after
// instantiation. The SDK's log() does not call proxy_log: it writes `[LEVEL]: message\n` to
// stdout through WASI fd_write (levels below info are dropped by the SDK itself).
//
// Behaviour:
//   - request headers: remembers the request's `:path` header (empty when absent).
//   - response headers: sets `hello: world` and `x-as-gcore: <request :path>` (both replace
//     existing values), writes `[INFO]: as-gcore: response for <path>` to stdout, continues.

export * from "@gcoredev/proxy-wasm-sdk-as/assembly/proxy"; // the proxy_* exports the host calls
import {
  RootContext,
  Context,
  registerRootContext,
  FilterHeadersStatusValues,
  LogLevelValues,
  log,
  stream_context,
} from "@gcoredev/proxy-wasm-sdk-as/assembly";

class AsGcoreRoot extends RootContext {
  createContext(context_id: u32): Context {
    return new AsGcoreStream(context_id, this);
  }
}

class AsGcoreStream extends Context {
  private path: string = "";

  constructor(context_id: u32, root_context: AsGcoreRoot) {
    super(context_id, root_context);
  }

  onRequestHeaders(header_count: u32, end_of_stream: bool): FilterHeadersStatusValues {
    this.path = stream_context.headers.request.get(":path");
    return FilterHeadersStatusValues.Continue;
  }

  onResponseHeaders(header_count: u32, end_of_stream: bool): FilterHeadersStatusValues {
    stream_context.headers.response.replace("hello", "world");
    stream_context.headers.response.replace("x-as-gcore", this.path);
    log(LogLevelValues.info, "as-gcore: response for " + this.path);
    return FilterHeadersStatusValues.Continue;
  }
}

// The SDK ignores the name: this module has a single root context factory.
registerRootContext((context_id: u32) => {
  return new AsGcoreRoot(context_id);
}, "as_gcore");
