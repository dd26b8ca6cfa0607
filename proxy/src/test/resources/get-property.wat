;; A proxy-wasm filter that reads the property named by request header x-get-property (a dotted path such as
;; connection.tls_version) in proxy_on_request_headers and sets request header x-property-hex to the value's bytes in
;; hex, or x-property-status to the call's status digit when it fails (1 NOT_FOUND).
(module
  (import "env" "proxy_get_header_map_value" (func $get (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_replace_header_map_value" (func $replace (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_get_property" (func $property (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 4)
  ;; A bump allocator that never frees: enough for the few requests of a test.
  (global $heap (mut i32) (i32.const 8192))
  (data (i32.const 16) "x-get-property")
  (data (i32.const 32) "x-property-hex")
  (data (i32.const 48) "x-property-status")
  (data (i32.const 128) "0123456789abcdef")
  ;; 96/100: a header value's pointer and size; 104/108: the property's; 112: the status digit.
  (func (export "proxy_abi_version_0_2_1"))
  (func $alloc (export "proxy_on_memory_allocate") (param $n i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (local.get $n)))
    (local.get $p))
  (func (export "proxy_on_context_create") (param i32 i32))
  (func (export "proxy_on_vm_start") (param i32 i32) (result i32) (i32.const 1))
  (func (export "proxy_on_configure") (param i32 i32) (result i32) (i32.const 1))
  (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
    (local $p i32) (local $n i32) (local $i i32) (local $status i32) (local $out i32) (local $b i32)
    (if (call $get (i32.const 0) (i32.const 16) (i32.const 14) (i32.const 96) (i32.const 100))
      (then (return (i32.const 0))))
    (local.set $p (i32.load (i32.const 96)))
    (local.set $n (i32.load (i32.const 100)))
    ;; The path's segments are separated by NUL in the ABI: '.' becomes 0 in our copy.
    (local.set $i (i32.const 0))
    (block $done
      (loop $dots
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (if (i32.eq (i32.load8_u (i32.add (local.get $p) (local.get $i))) (i32.const 46))
          (then (i32.store8 (i32.add (local.get $p) (local.get $i)) (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $dots)))
    (local.set $status (call $property (local.get $p) (local.get $n) (i32.const 104) (i32.const 108)))
    (if (local.get $status)
      (then
        (i32.store8 (i32.const 112) (i32.add (i32.const 48) (local.get $status)))
        (drop (call $replace (i32.const 0) (i32.const 48) (i32.const 17) (i32.const 112) (i32.const 1)))
        (return (i32.const 0))))
    (local.set $p (i32.load (i32.const 104)))
    (local.set $n (i32.load (i32.const 108)))
    (local.set $out (call $alloc (i32.add (i32.mul (local.get $n) (i32.const 2)) (i32.const 1))))
    (local.set $i (i32.const 0))
    (block $end
      (loop $hex
        (br_if $end (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $b (i32.load8_u (i32.add (local.get $p) (local.get $i))))
        (i32.store8 (i32.add (local.get $out) (i32.mul (local.get $i) (i32.const 2)))
          (i32.load8_u (i32.add (i32.const 128) (i32.shr_u (local.get $b) (i32.const 4)))))
        (i32.store8 (i32.add (local.get $out) (i32.add (i32.mul (local.get $i) (i32.const 2)) (i32.const 1)))
          (i32.load8_u (i32.add (i32.const 128) (i32.and (local.get $b) (i32.const 15)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $hex)))
    ;; An empty value still sets the header (to "-"), so that found-but-empty differs from absent.
    (if (i32.eqz (local.get $n))
      (then (i32.store8 (local.get $out) (i32.const 45)) (local.set $n (i32.const 1))
        (drop (call $replace (i32.const 0) (i32.const 32) (i32.const 14) (local.get $out) (i32.const 1)))
        (return (i32.const 0))))
    (drop (call $replace (i32.const 0) (i32.const 32) (i32.const 14) (local.get $out)
      (i32.mul (local.get $n) (i32.const 2))))
    (i32.const 0))
)
