;; A proxy-wasm filter that steers routing: in proxy_on_request_headers it replaces :path with the value of the
;; request header x-set-path and :authority with that of x-set-authority, each only when that header is present.
(module
  (import "env" "proxy_get_header_map_value" (func $get (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_replace_header_map_value" (func $replace (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  ;; A bump allocator that never frees: enough for the few requests of a test.
  (global $heap (mut i32) (i32.const 4096))
  (data (i32.const 16) "x-set-path")
  (data (i32.const 32) ":path")
  (data (i32.const 48) "x-set-authority")
  (data (i32.const 64) ":authority")
  ;; 96: where the host returns a header value's pointer, 100: its size.
  (func (export "proxy_abi_version_0_2_1"))
  (func (export "proxy_on_memory_allocate") (param $n i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (local.get $n)))
    (local.get $p))
  (func (export "proxy_on_context_create") (param i32 i32))
  (func (export "proxy_on_vm_start") (param i32 i32) (result i32) (i32.const 1))
  (func (export "proxy_on_configure") (param i32 i32) (result i32) (i32.const 1))
  ;; Request header `to` := request header `from`, if `from` is present (status 0, OK).
  (func $copy (param $from i32) (param $from_len i32) (param $to i32) (param $to_len i32)
    (if (i32.eqz (call $get (i32.const 0) (local.get $from) (local.get $from_len) (i32.const 96) (i32.const 100)))
      (then (drop (call $replace (i32.const 0) (local.get $to) (local.get $to_len)
        (i32.load (i32.const 96)) (i32.load (i32.const 100)))))))
  (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
    (call $copy (i32.const 16) (i32.const 10) (i32.const 32) (i32.const 5))
    (call $copy (i32.const 48) (i32.const 15) (i32.const 64) (i32.const 10))
    (i32.const 0))
)
