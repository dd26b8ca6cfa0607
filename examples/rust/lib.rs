//! rust - a proxy-wasm (ABI 0.2.1) HTTP filter written against the raw ABI, without any SDK.
//!
//! Behaviour: on response headers it sets `hello: world` and `x-rust: yes` (replacing existing
//! values) and returns CONTINUE. If the host refuses a header write it logs
//! `rust: failed to set <name>` at ERROR. Every other callback is a no-op that lets traffic flow.

use std::alloc::{alloc, Layout};

// Status and enum values from the proxy-wasm ABI 0.2.1.
const STATUS_OK: u32 = 0;
const LOG_ERROR: u32 = 4;
const MAP_HTTP_RESPONSE_HEADERS: u32 = 2;
const ACTION_CONTINUE: u32 = 0;

#[link(wasm_import_module = "env")]
extern "C" {
    fn proxy_log(level: u32, message_data: *const u8, message_size: usize) -> u32;
    fn proxy_replace_header_map_value(
        map_type: u32,
        key_data: *const u8,
        key_size: usize,
        value_data: *const u8,
        value_size: usize,
    ) -> u32;
}

/// ABI version marker: the host reads the ABI from this export's name.
#[no_mangle]
pub extern "C" fn proxy_abi_version_0_2_1() {}

/// The host allocates guest memory through this export when it returns data to the filter.
/// The filter never frees anything it receives (it receives nothing), but the export must exist.
#[no_mangle]
pub extern "C" fn proxy_on_memory_allocate(size: usize) -> *mut u8 {
    // Layout rejects a zero size on some paths; ask for at least one byte.
    match Layout::from_size_align(size.max(1), 1) {
        Ok(layout) => unsafe { alloc(layout) },
        Err(_) => std::ptr::null_mut(),
    }
}

#[no_mangle]
pub extern "C" fn proxy_on_context_create(_context_id: u32, _parent_context_id: u32) {}

#[no_mangle]
pub extern "C" fn proxy_on_vm_start(_root_context_id: u32, _vm_configuration_size: usize) -> u32 {
    1
}

#[no_mangle]
pub extern "C" fn proxy_on_configure(_root_context_id: u32, _plugin_configuration_size: usize) -> u32 {
    1
}

#[no_mangle]
pub extern "C" fn proxy_on_request_headers(_context_id: u32, _num_headers: u32, _end_of_stream: u32) -> u32 {
    ACTION_CONTINUE
}

#[no_mangle]
pub extern "C" fn proxy_on_response_headers(_context_id: u32, _num_headers: u32, _end_of_stream: u32) -> u32 {
    set_response_header("hello", "world");
    set_response_header("x-rust", "yes");
    ACTION_CONTINUE
}

#[no_mangle]
pub extern "C" fn proxy_on_done(_context_id: u32) -> u32 {
    1
}

#[no_mangle]
pub extern "C" fn proxy_on_log(_context_id: u32) {}

#[no_mangle]
pub extern "C" fn proxy_on_delete(_context_id: u32) {}

fn set_response_header(name: &str, value: &str) {
    let status = unsafe {
        proxy_replace_header_map_value(
            MAP_HTTP_RESPONSE_HEADERS,
            name.as_ptr(),
            name.len(),
            value.as_ptr(),
            value.len(),
        )
    };
    if status != STATUS_OK {
        let message = format!("rust: failed to set {}", name);
        unsafe {
            proxy_log(LOG_ERROR, message.as_ptr(), message.len());
        }
    }
}
