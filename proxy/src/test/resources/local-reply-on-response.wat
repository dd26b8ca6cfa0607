;; A proxy-wasm filter that lets every request reach the upstream, then answers it itself from
;; proxy_on_response_headers: 401, details replaced_on_response, body "replaced by the filter", header
;; x-replaced: yes. It returns PAUSE, as a filter does after proxy_send_local_response.
(module
  (import "env" "proxy_send_local_response"
    (func $local_response (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (global $heap (mut i32) (i32.const 4096))
  (data (i32.const 16) "replaced_on_response")
  (data (i32.const 48) "replaced by the filter")
  ;; {x-replaced: yes} in the header-map encoding: count, (key size, value size) pairs, then NUL-ended strings.
  (data (i32.const 80) "\01\00\00\00\0a\00\00\00\03\00\00\00x-replaced\00yes\00")
  (func (export "proxy_abi_version_0_2_1"))
  (func (export "proxy_on_memory_allocate") (param $n i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (local.get $n)))
    (local.get $p))
  (func (export "proxy_on_context_create") (param i32 i32))
  (func (export "proxy_on_vm_start") (param i32 i32) (result i32) (i32.const 1))
  (func (export "proxy_on_configure") (param i32 i32) (result i32) (i32.const 1))
  (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32) (i32.const 0))
  (func (export "proxy_on_response_headers") (param i32 i32 i32) (result i32)
    (drop (call $local_response (i32.const 401) (i32.const 16) (i32.const 20) (i32.const 48) (i32.const 22)
      (i32.const 80) (i32.const 27) (i32.const -1)))
    (i32.const 1))
)
