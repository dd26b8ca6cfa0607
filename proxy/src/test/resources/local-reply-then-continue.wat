;; A proxy-wasm filter that answers every request itself from proxy_on_request_headers: 403, details
;; denied_then_continued, body "denied", header x-denied: yes. It then returns CONTINUE (0), which Envoy overrides:
;; after a successful proxy_send_local_response the callback stops iteration (stopNextIteration).
(module
  (import "env" "proxy_send_local_response"
    (func $local_response (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (global $heap (mut i32) (i32.const 4096))
  (data (i32.const 16) "denied_then_continued")
  (data (i32.const 48) "denied")
  ;; {x-denied: yes} in the header-map encoding: count, (key size, value size) pairs, then NUL-ended strings.
  (data (i32.const 80) "\01\00\00\00\08\00\00\00\03\00\00\00x-denied\00yes\00")
  (func (export "proxy_abi_version_0_2_1"))
  (func (export "proxy_on_memory_allocate") (param $n i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (local.get $n)))
    (local.get $p))
  (func (export "proxy_on_context_create") (param i32 i32))
  (func (export "proxy_on_vm_start") (param i32 i32) (result i32) (i32.const 1))
  (func (export "proxy_on_configure") (param i32 i32) (result i32) (i32.const 1))
  (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
    (drop (call $local_response (i32.const 403) (i32.const 16) (i32.const 21) (i32.const 48) (i32.const 6)
      (i32.const 80) (i32.const 25) (i32.const -1)))
    (i32.const 0))
)
