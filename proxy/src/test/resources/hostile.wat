;; A hostile proxy-wasm filter for the fault suite. The first byte of the request's x-attack header picks the attack;
;; a request without it passes. Where the host must refuse a call, the filter traps if the host said OK instead, so a
;; host that let the call through shows as a failed request.
;;   t  trap in proxy_on_request_headers          l  endless loop              r  endless recursion
;;   g  memory.grow(16000) at once, trap on -1     s  grow one page at a time until refused, then trap
;;   n  random_get of 0x7FFFFFF0 bytes             p  bad pointers to five host calls
;;   h  huge lengths to four host calls            R  trap in proxy_on_response_headers
;;   L  trap in proxy_on_log
;;   0  allocator returns 0    x  allocator returns a pointer past the memory    X  allocator returns 0xFFFFFFF0
;; (each of the last three then asks the host for a header value, which it must hand over through the allocator)
(module
  (import "env" "proxy_get_header_map_value" (func $get (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_log" (func $log (param i32 i32 i32) (result i32)))
  (import "env" "proxy_set_buffer_bytes" (func $set_buffer (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_get_buffer_bytes" (func $get_buffer (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_set_property" (func $set_property (param i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_replace_header_map_value" (func $replace (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_set_shared_data" (func $set_shared (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
  (memory (export "memory") 2)
  (global $heap (mut i32) (i32.const 4096))
  (global $alloc_mode (mut i32) (i32.const 0))
  (global $response_trap (mut i32) (i32.const 0))
  (global $log_trap (mut i32) (i32.const 0))
  (data (i32.const 16) "x-attack")
  (data (i32.const 48) ":path")
  (func (export "proxy_abi_version_0_2_1"))
  (func (export "proxy_on_memory_allocate") (param $n i32) (result i32)
    (local $p i32)
    (if (i32.eq (global.get $alloc_mode) (i32.const 1)) (then (return (i32.const 0))))
    (if (i32.eq (global.get $alloc_mode) (i32.const 2))
      (then (return (i32.mul (memory.size) (i32.const 65536)))))
    (if (i32.eq (global.get $alloc_mode) (i32.const 3)) (then (return (i32.const 0xFFFFFFF0))))
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (local.get $n)))
    (local.get $p))
  (func (export "proxy_on_context_create") (param i32 i32))
  (func (export "proxy_on_vm_start") (param i32 i32) (result i32) (i32.const 1))
  (func (export "proxy_on_configure") (param i32 i32) (result i32) (i32.const 1))
  (func $must_fail (param $status i32)
    (if (i32.eqz (local.get $status)) (then (unreachable))))
  (func $recurse (param $n i32) (result i32)
    (i32.add (call $recurse (i32.add (local.get $n) (i32.const 1))) (i32.const 1)))
  (func $ask_path
    (drop (call $get (i32.const 0) (i32.const 48) (i32.const 5) (i32.const 40) (i32.const 44))))
  (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
    (local $a i32)
    (if (call $get (i32.const 0) (i32.const 16) (i32.const 8) (i32.const 32) (i32.const 36))
      (then (return (i32.const 0))))
    (local.set $a (i32.load8_u (i32.load (i32.const 32))))
    (if (i32.eq (local.get $a) (i32.const 0x74)) (then (unreachable)))                      ;; t
    (if (i32.eq (local.get $a) (i32.const 0x6c)) (then (loop $forever (br $forever))))      ;; l
    (if (i32.eq (local.get $a) (i32.const 0x72)) (then (drop (call $recurse (i32.const 0))))) ;; r
    (if (i32.eq (local.get $a) (i32.const 0x67))                                            ;; g
      (then (if (i32.eq (memory.grow (i32.const 16000)) (i32.const -1)) (then (unreachable)))))
    (if (i32.eq (local.get $a) (i32.const 0x73))                                            ;; s
      (then (loop $more
              (br_if $more (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
            (unreachable)))
    (if (i32.eq (local.get $a) (i32.const 0x6e))                                            ;; n
      (then (call $must_fail (call $random (i32.const 64) (i32.const 0x7FFFFFF0)))))
    (if (i32.eq (local.get $a) (i32.const 0x70))                                            ;; p
      (then
        (call $must_fail (call $get (i32.const 0) (i32.const 0xFFFFFFF0) (i32.const 8) (i32.const 32) (i32.const 36)))
        (call $must_fail (call $get (i32.const 0) (i32.const 16) (i32.const 8) (i32.const -4) (i32.const 36)))
        (call $must_fail (call $log (i32.const 2) (i32.const 0xFFFFFF00) (i32.const 0x1000)))
        (call $must_fail (call $set_property (i32.const -1) (i32.const 2) (i32.const 16) (i32.const 1)))
        (call $must_fail (call $get_buffer (i32.const 0) (i32.const 0) (i32.const -1) (i32.const -8) (i32.const 36)))))
    (if (i32.eq (local.get $a) (i32.const 0x68))                                            ;; h
      (then
        (call $must_fail (call $log (i32.const 2) (i32.const 0) (i32.const 0x7FFFFFFF)))
        (call $must_fail (call $set_buffer (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const -1)))
        (call $must_fail (call $replace (i32.const 0) (i32.const 16) (i32.const 8) (i32.const 0) (i32.const 0x7FFFFFFF)))
        (call $must_fail (call $set_shared (i32.const 16) (i32.const 8) (i32.const 0) (i32.const -16) (i32.const 0)))))
    (if (i32.eq (local.get $a) (i32.const 0x52)) (then (global.set $response_trap (i32.const 1)))) ;; R
    (if (i32.eq (local.get $a) (i32.const 0x4c)) (then (global.set $log_trap (i32.const 1))))      ;; L
    (if (i32.eq (local.get $a) (i32.const 0x30))                                            ;; 0
      (then (global.set $alloc_mode (i32.const 1)) (call $ask_path) (global.set $alloc_mode (i32.const 0))))
    (if (i32.eq (local.get $a) (i32.const 0x78))                                            ;; x
      (then (global.set $alloc_mode (i32.const 2)) (call $ask_path) (global.set $alloc_mode (i32.const 0))))
    (if (i32.eq (local.get $a) (i32.const 0x58))                                            ;; X
      (then (global.set $alloc_mode (i32.const 3)) (call $ask_path) (global.set $alloc_mode (i32.const 0))))
    (i32.const 0))
  (func (export "proxy_on_response_headers") (param i32 i32 i32) (result i32)
    (if (global.get $response_trap) (then (global.set $response_trap (i32.const 0)) (unreachable)))
    (i32.const 0))
  (func (export "proxy_on_log") (param i32)
    (if (global.get $log_trap) (then (global.set $log_trap (i32.const 0)) (unreachable))))
)
