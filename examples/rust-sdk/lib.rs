//! rust-sdk: a proxy-wasm HTTP filter on the official Rust SDK (the `proxy-wasm` crate). It exercises headers,
//! bodies, an HTTP call-out, shared data, metrics and a tick; examples/README.md describes each behaviour and
//! wasmesh's tests assert them.

use proxy_wasm::hostcalls;
use proxy_wasm::traits::{Context, HttpContext, RootContext};
use proxy_wasm::types::{Action, ContextType, LogLevel, MetricType};
use std::time::Duration;

const TICKS_KEY: &str = "rust_sdk_ticks";
const SHARED_KEY: &str = "rust_sdk_key";

proxy_wasm::main! {{
    proxy_wasm::set_log_level(LogLevel::Info);
    proxy_wasm::set_root_context(|_| -> Box<dyn RootContext> { Box::new(Root { requests: 0 }) });
}}

struct Root {
    requests: u32,
}

impl Context for Root {}

impl RootContext for Root {
    fn on_configure(&mut self, _plugin_configuration_size: usize) -> bool {
        let config = self.get_plugin_configuration().unwrap_or_default();
        log(&format!(
            "rust-sdk: configured with {:?}",
            String::from_utf8_lossy(&config)
        ));
        match hostcalls::define_metric(MetricType::Counter, "rust_sdk_requests") {
            Ok(id) => self.requests = id,
            Err(status) => {
                let _ = hostcalls::log(
                    LogLevel::Critical,
                    &format!("rust-sdk: define_metric: {:?}", status),
                );
                return false;
            }
        }
        self.set_tick_period(Duration::from_secs(1));
        true
    }

    /// Counts ticks in shared data with compare-and-swap.
    fn on_tick(&mut self) {
        let (value, cas) = self.get_shared_data(TICKS_KEY);
        let n = value
            .and_then(|v| String::from_utf8(v).ok())
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
            + 1;
        match self.set_shared_data(TICKS_KEY, Some(n.to_string().as_bytes()), cas) {
            Ok(()) => log(&format!("rust-sdk: tick {}", n)),
            Err(status) => {
                let _ = hostcalls::log(LogLevel::Warn, &format!("rust-sdk: tick: {:?}", status));
            }
        }
    }

    fn get_type(&self) -> Option<ContextType> {
        Some(ContextType::HttpContext)
    }

    fn create_http_context(&self, _context_id: u32) -> Option<Box<dyn HttpContext>> {
        Some(Box::new(Stream {
            requests: self.requests,
            buffer_request: false,
            buffer_response: false,
        }))
    }
}

struct Stream {
    requests: u32,
    buffer_request: bool,
    buffer_response: bool,
}

impl Context for Stream {
    fn on_http_call_response(
        &mut self,
        _token_id: u32,
        _num_headers: usize,
        body_size: usize,
        _num_trailers: usize,
    ) {
        let status = self
            .get_http_call_response_header(":status")
            .unwrap_or_else(|| "none".to_string());
        let body = self
            .get_http_call_response_body(0, body_size)
            .unwrap_or_default();
        self.add_http_request_header("x-rust-sdk-callout-status", &status);
        self.add_http_request_header("x-rust-sdk-callout-body", &String::from_utf8_lossy(&body));
        self.resume_http_request();
    }
}

impl HttpContext for Stream {
    fn on_http_request_headers(&mut self, _num_headers: usize, _end_of_stream: bool) -> Action {
        let _ = hostcalls::increment_metric(self.requests, 1);
        let path = self.get_http_request_header(":path").unwrap_or_default();
        self.buffer_request = self.get_http_request_header("x-buffer").as_deref() == Some("yes");
        let mut action = Action::Continue;
        match path.split('?').next().unwrap_or("") {
            "/local" => {
                self.send_http_response(
                    403,
                    vec![("x-rust-sdk", "local")],
                    Some(b"denied by rust-sdk"),
                );
                return Action::Pause;
            }
            "/callout" => {
                let headers = vec![
                    (":method", "GET"),
                    (":path", "/callout-target"),
                    (":authority", "backend"),
                ];
                match self.dispatch_http_call(
                    "backend",
                    headers,
                    None,
                    vec![],
                    Duration::from_secs(5),
                ) {
                    Ok(_) => action = Action::Pause,
                    Err(status) => self.add_http_request_header(
                        "x-rust-sdk-error",
                        &format!("dispatch_http_call: {:?}", status),
                    ),
                }
            }
            "/shared" => {
                let value = self.get_http_request_header("x-value").unwrap_or_default();
                match self.set_shared_data(SHARED_KEY, Some(value.as_bytes()), None) {
                    Ok(()) => {
                        let stored = self.get_shared_data(SHARED_KEY).0.unwrap_or_default();
                        self.add_http_request_header(
                            "x-rust-sdk-shared",
                            &String::from_utf8_lossy(&stored),
                        );
                    }
                    Err(status) => self.add_http_request_header(
                        "x-rust-sdk-error",
                        &format!("set_shared_data: {:?}", status),
                    ),
                }
            }
            "/ticks" => {
                let ticks = self
                    .get_shared_data(TICKS_KEY)
                    .0
                    .unwrap_or_else(|| b"0".to_vec());
                self.add_http_request_header("x-rust-sdk-ticks", &String::from_utf8_lossy(&ticks));
            }
            "/metric" => {
                let count = hostcalls::get_metric(self.requests).unwrap_or(0);
                self.add_http_request_header("x-rust-sdk-requests", &count.to_string());
            }
            _ => {}
        }
        self.add_http_request_header("x-rust-sdk-path", &path);
        action
    }

    /// Buffers the whole body of a request with x-buffer: yes and upper-cases it.
    fn on_http_request_body(&mut self, body_size: usize, end_of_stream: bool) -> Action {
        if !self.buffer_request {
            return Action::Continue;
        }
        if !end_of_stream {
            return Action::Pause;
        }
        if let Some(body) = self.get_http_request_body(0, body_size) {
            self.set_http_request_body(0, body_size, &body.to_ascii_uppercase());
        }
        Action::Continue
    }

    fn on_http_response_headers(&mut self, _num_headers: usize, _end_of_stream: bool) -> Action {
        self.buffer_response = self.get_http_response_header("x-buffer-response").is_some();
        self.set_http_response_header("hello", Some("world"));
        self.set_http_response_header("x-rust-sdk", Some("yes"));
        Action::Continue
    }

    /// Buffers the response body when the upstream sent x-buffer-response and prepends "[rust-sdk]".
    fn on_http_response_body(&mut self, _body_size: usize, end_of_stream: bool) -> Action {
        if !self.buffer_response {
            return Action::Continue;
        }
        if !end_of_stream {
            return Action::Pause;
        }
        self.set_http_response_body(0, 0, b"[rust-sdk]");
        Action::Continue
    }
}

fn log(message: &str) {
    let _ = hostcalls::log(LogLevel::Info, message);
}
