// as-solo - a proxy-wasm filter built with AssemblyScript 0.14 and @solo-io/proxy-runtime
// (ABI 0.2.0, marker export proxy_abi_version_0_2_0).
//
// The SDK creates root contexts by the plugin's root id (property `plugin_root_id`): the
// plugin must be configured with root_id "as_solo" or the module aborts on the first context.
//
// Behaviour:
//   - proxy_on_configure: remembers the plugin configuration and logs at info
//     `as-solo configured: <configuration>`.
//   - response headers: sets `hello: world` and, when the configuration is not empty,
//     `x-as-config: <configuration>` (both replace existing values), logs at info
//     `as-solo: response headers done`, and continues.

export * from "@solo-io/proxy-runtime/proxy"; // the proxy_* exports the host calls
import {
  RootContext,
  Context,
  registerRootContext,
  FilterHeadersStatusValues,
  LogLevelValues,
  log,
  stream_context,
} from "@solo-io/proxy-runtime";

class AsSoloRoot extends RootContext {
  createContext(context_id: u32): Context {
    return new AsSoloStream(context_id, this);
  }

  onConfigure(configuration_size: u32): bool {
    // The base class reads PLUGIN_CONFIGURATION into getConfiguration().
    if (!super.onConfigure(configuration_size)) return false;
    log(LogLevelValues.info, "as-solo configured: " + this.getConfiguration());
    return true;
  }
}

class AsSoloStream extends Context {
  constructor(context_id: u32, root_context: AsSoloRoot) {
    super(context_id, root_context);
  }

  onResponseHeaders(header_count: u32, end_of_stream: bool): FilterHeadersStatusValues {
    stream_context.headers.response.replace("hello", "world");
    const config = this.root_context.getConfiguration();
    if (config.length > 0) {
      stream_context.headers.response.replace("x-as-config", config);
    }
    log(LogLevelValues.info, "as-solo: response headers done");
    return FilterHeadersStatusValues.Continue;
  }
}

registerRootContext((context_id: u32) => {
  return new AsSoloRoot(context_id);
}, "as_solo");
