;; A proxy-wasm filter that counts the plugins configured in its VM (a wasm global, one per VM, incremented by
;; proxy_on_configure) and reports the count as the response header x-configured: plugins that share a VM see
;; each other's configure.
(module
  (import "env" "proxy_replace_header_map_value" (func $replace (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (global $heap (mut i32) (i32.const 4096))
  (global $configured (mut i32) (i32.const 0))
  (data (i32.const 16) "x-configured")
  (func (export "proxy_abi_version_0_2_1"))
  (func (export "proxy_on_memory_allocate") (param $n i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (local.get $n)))
    (local.get $p))
  (func (export "proxy_on_context_create") (param i32 i32))
  (func (export "proxy_on_vm_start") (param i32 i32) (result i32) (i32.const 1))
  (func (export "proxy_on_configure") (param i32 i32) (result i32)
    (global.set $configured (i32.add (global.get $configured) (i32.const 1)))
    (i32.const 1))
  (func (export "proxy_on_response_headers") (param i32 i32 i32) (result i32)
    ;; the count as one decimal digit: fixtures configure fewer than ten plugins
    (i32.store8 (i32.const 64) (i32.add (i32.const 48) (global.get $configured)))
    (drop (call $replace (i32.const 2) (i32.const 16) (i32.const 12) (i32.const 64) (i32.const 1)))
    (i32.const 0))
)
