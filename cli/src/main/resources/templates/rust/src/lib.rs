//! {{name}}: sets `hello: world` on every response; logs at critical level if the host refuses.

use proxy_wasm::hostcalls;
use proxy_wasm::traits::{Context, HttpContext, RootContext};
use proxy_wasm::types::{Action, ContextType, LogLevel, MapType};

proxy_wasm::main! {{
    // Also installs the SDK's panic hook, which reports panics at critical level.
    proxy_wasm::set_log_level(LogLevel::Info);
    proxy_wasm::set_root_context(|_| -> Box<dyn RootContext> { Box::new(HelloRoot) });
}}

/// Root context for the root id "{{rootId}}" configured in envoy.yaml.
struct HelloRoot;

impl Context for HelloRoot {}

impl RootContext for HelloRoot {
    fn get_type(&self) -> Option<ContextType> {
        Some(ContextType::HttpContext)
    }

    fn create_http_context(&self, _context_id: u32) -> Option<Box<dyn HttpContext>> {
        Some(Box::new(Hello))
    }
}

struct Hello;

impl Context for Hello {}

impl HttpContext for Hello {
    fn on_http_response_headers(&mut self, _num_headers: usize, _end_of_stream: bool) -> Action {
        if let Err(status) =
            hostcalls::set_map_value(MapType::HttpResponseHeaders, "hello", Some("world"))
        {
            let _ = hostcalls::log(
                LogLevel::Critical,
                &format!("{{name}}: failed to set hello header: {:?}", status),
            );
        }
        Action::Continue
    }
}
