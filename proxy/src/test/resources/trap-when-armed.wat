;; A proxy-wasm filter that traps in proxy_on_request_headers when the request carries an x-trap header and its
;; plugin was configured with a non-empty configuration ("armed"). Armed is kept per root context id in memory, so
;; two plugins sharing one VM (root contexts 1 and 2) keep their own setting, while each VM's first plugin is root 1.
(module
  (import "env" "proxy_get_header_map_value" (func $get (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (global $heap (mut i32) (i32.const 4096))
  (data (i32.const 16) "x-trap")
  ;; 256 + 4*id: the root context of stream context id (set on create); 1024 + 4*id: 1 if root context id is armed.
  (func (export "proxy_abi_version_0_2_1"))
  (func (export "proxy_on_memory_allocate") (param $n i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (local.get $n)))
    (local.get $p))
  (func (export "proxy_on_context_create") (param $id i32) (param $root i32)
    (i32.store (i32.add (i32.const 256) (i32.shl (i32.and (local.get $id) (i32.const 127)) (i32.const 2)))
      (local.get $root)))
  (func (export "proxy_on_vm_start") (param i32 i32) (result i32) (i32.const 1))
  (func (export "proxy_on_configure") (param $root i32) (param $size i32) (result i32)
    (i32.store (i32.add (i32.const 1024) (i32.shl (i32.and (local.get $root) (i32.const 127)) (i32.const 2)))
      (i32.ne (local.get $size) (i32.const 0)))
    (i32.const 1))
  (func (export "proxy_on_request_headers") (param $id i32) (param i32 i32) (result i32)
    (local $root i32)
    (local.set $root
      (i32.load (i32.add (i32.const 256) (i32.shl (i32.and (local.get $id) (i32.const 127)) (i32.const 2)))))
    (if (i32.and
          (i32.load (i32.add (i32.const 1024) (i32.shl (i32.and (local.get $root) (i32.const 127)) (i32.const 2))))
          (i32.eqz (call $get (i32.const 0) (i32.const 16) (i32.const 6) (i32.const 32) (i32.const 36))))
      (then (unreachable)))
    (i32.const 0))
)
