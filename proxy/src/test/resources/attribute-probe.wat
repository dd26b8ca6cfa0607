;; A proxy-wasm filter that reports what the host answers, as a local reply with status 200 + the ABI status
;; (200 OK, 201 NOT_FOUND, 202 BAD_ARGUMENT, 203 SERIALIZATION_FAILURE, ...) and the returned bytes as the body:
;; - request header x-property: NAME.OTHER.PART → proxy_get_property of that path ('.' separates segments) in
;;   proxy_on_request_headers;
;; - request header x-foreign: NAME → proxy_call_foreign_function(NAME, request body) once the whole body is there
;;   (at once with an empty argument for a request without a body).
;; - request header x-response-property: NAME.PART → proxy_get_property of that path in proxy_on_response_headers,
;;   whose value becomes the response header x-response-property (or, if the call failed, its status becomes
;;   x-response-property-status);
;; - request header x-metric: NAME → defines the counter NAME and adds 1 to it; the request passes on.
;; Any other request passes unchanged.
(module
  (import "env" "proxy_get_header_map_value" (func $get (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_get_property" (func $prop (param i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_get_buffer_bytes" (func $buf (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_call_foreign_function"
    (func $foreign (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_add_header_map_value" (func $add (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_define_metric" (func $define (param i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_increment_metric" (func $increment (param i32 i64) (result i32)))
  (import "env" "proxy_send_local_response"
    (func $reply (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 4)
  ;; A bump allocator, reset at the start of every callback: what the host hands over is used within it.
  (global $heap (mut i32) (i32.const 65536))
  (data (i32.const 16) "x-property")
  (data (i32.const 32) "x-foreign")
  (data (i32.const 48) "x-metric")
  (data (i32.const 64) "x-response-property")
  (data (i32.const 128) "x-response-property-status")
  ;; 96/100: a header value's pointer and size; 104/108: a result's pointer and size; 112: a metric id.
  ;; 1024: the foreign function's name, kept from the headers to the body (its length at 1020).
  ;; 2048: the response property's path, kept from the request headers to the response headers (length at 2044).
  (func (export "proxy_abi_version_0_2_1"))
  (func (export "proxy_on_memory_allocate") (param $n i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (local.get $n)))
    (if (i32.gt_u (global.get $heap) (i32.mul (memory.size) (i32.const 65536)))
      (then (drop (memory.grow
        (i32.add (i32.div_u (i32.sub (global.get $heap) (i32.mul (memory.size) (i32.const 65536)))
          (i32.const 65536)) (i32.const 1))))))
    (local.get $p))
  (func (export "proxy_on_context_create") (param i32 i32))
  (func (export "proxy_on_vm_start") (param i32 i32) (result i32) (i32.const 1))
  (func (export "proxy_on_configure") (param i32 i32) (result i32) (i32.const 1))
  ;; A local reply: status 200 + $status, the result bytes as body if the call was OK.
  (func $answer (param $status i32)
    (if (i32.ne (local.get $status) (i32.const 0))
      (then (i32.store (i32.const 104) (i32.const 0)) (i32.store (i32.const 108) (i32.const 0))))
    (drop (call $reply (i32.add (i32.const 200) (local.get $status)) (i32.const 0) (i32.const 0)
      (i32.load (i32.const 104)) (i32.load (i32.const 108)) (i32.const 0) (i32.const 0) (i32.const -1))))
  (func $call_foreign (param $arg i32) (param $arg_len i32)
    (call $answer (call $foreign (i32.const 1024) (i32.load (i32.const 1020))
      (local.get $arg) (local.get $arg_len) (i32.const 104) (i32.const 108))))
  (func (export "proxy_on_request_headers") (param $ctx i32) (param $count i32) (param $eos i32) (result i32)
    (local $p i32) (local $i i32) (local $n i32)
    (global.set $heap (i32.const 65536))
    (i32.store (i32.const 1020) (i32.const 0))
    (i32.store (i32.const 2044) (i32.const 0))
    (if (i32.eqz (call $get (i32.const 0) (i32.const 16) (i32.const 10) (i32.const 96) (i32.const 100)))
      (then
        (local.set $p (i32.load (i32.const 96)))
        (local.set $n (i32.load (i32.const 100)))
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
            (if (i32.eq (i32.load8_u (i32.add (local.get $p) (local.get $i))) (i32.const 46))
              (then (i32.store8 (i32.add (local.get $p) (local.get $i)) (i32.const 0))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $next)))
        (call $answer (call $prop (local.get $p) (local.get $n) (i32.const 104) (i32.const 108)))
        (return (i32.const 1))))
    (i32.store (i32.const 2044) (i32.const 0))
    (if (i32.eqz (call $get (i32.const 0) (i32.const 64) (i32.const 19) (i32.const 96) (i32.const 100)))
      (then
        (local.set $p (i32.load (i32.const 96)))
        (local.set $n (i32.load (i32.const 100)))
        (local.set $i (i32.const 0))
        (block $kept
          (loop $keep
            (br_if $kept (i32.ge_u (local.get $i) (local.get $n)))
            (i32.store8 (i32.add (i32.const 2048) (local.get $i))
              (select (i32.const 0) (i32.load8_u (i32.add (local.get $p) (local.get $i)))
                (i32.eq (i32.load8_u (i32.add (local.get $p) (local.get $i))) (i32.const 46))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $keep)))
        (i32.store (i32.const 2044) (local.get $n))
        (local.set $i (i32.const 0))))
    (if (i32.eqz (call $get (i32.const 0) (i32.const 48) (i32.const 8) (i32.const 96) (i32.const 100)))
      (then
        (if (i32.eqz (call $define (i32.const 0) (i32.load (i32.const 96)) (i32.load (i32.const 100))
              (i32.const 112)))
          (then (drop (call $increment (i32.load (i32.const 112)) (i64.const 1)))))))
    (if (i32.eqz (call $get (i32.const 0) (i32.const 32) (i32.const 9) (i32.const 96) (i32.const 100)))
      (then
        (local.set $p (i32.load (i32.const 96)))
        (local.set $n (i32.load (i32.const 100)))
        (block $copied
          (loop $copy
            (br_if $copied (i32.ge_u (local.get $i) (local.get $n)))
            (i32.store8 (i32.add (i32.const 1024) (local.get $i))
              (i32.load8_u (i32.add (local.get $p) (local.get $i))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $copy)))
        (i32.store (i32.const 1020) (i32.load (i32.const 100)))
        (if (local.get $eos)
          (then (call $call_foreign (i32.const 0) (i32.const 0)) (return (i32.const 1))))))
    (i32.const 0))
  (func (export "proxy_on_request_body") (param $ctx i32) (param $size i32) (param $eos i32) (result i32)
    (global.set $heap (i32.const 65536))
    (if (i32.eqz (i32.load (i32.const 1020)))
      (then (return (i32.const 0))))
    (if (i32.eqz (local.get $eos))
      (then (return (i32.const 1))))
    (drop (call $buf (i32.const 0) (i32.const 0) (local.get $size) (i32.const 96) (i32.const 100)))
    (call $call_foreign (i32.load (i32.const 96)) (i32.load (i32.const 100)))
    (i32.const 1))
  (func (export "proxy_on_response_headers") (param $ctx i32) (param $count i32) (param $eos i32) (result i32)
    (local $status i32)
    (global.set $heap (i32.const 65536))
    (if (i32.eqz (i32.load (i32.const 2044)))
      (then (return (i32.const 0))))
    (local.set $status (call $prop (i32.const 2048) (i32.load (i32.const 2044)) (i32.const 104) (i32.const 108)))
    (if (i32.eqz (local.get $status))
      (then (drop (call $add (i32.const 2) (i32.const 64) (i32.const 19)
        (i32.load (i32.const 104)) (i32.load (i32.const 108)))))
      (else
        (i32.store8 (i32.const 120) (i32.add (i32.const 48) (local.get $status)))
        (drop (call $add (i32.const 2) (i32.const 128) (i32.const 26) (i32.const 120) (i32.const 1)))))
    (i32.const 0))
)
