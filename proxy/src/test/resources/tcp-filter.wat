;; A network (TCP) filter that also answers HTTP, so that one VM can serve both kinds of plugin. The first byte of
;; the plugin configuration picks the mode (the mode is per VM: plugins sharing a VM must agree on it).
;; Every mode upper-cases downstream data (a-z) and lower-cases upstream data (A-Z), then:
;;   t  continues;
;;   h  holds downstream data (pause) until it contains '!' or ends;
;;   c  pauses downstream data and lets it go from the root context's next tick (proxy_continue_stream);
;;   n  pauses in proxy_on_new_connection and lets the connection go on from the next tick;
;;   x  calls proxy_close_stream(DOWNSTREAM) on downstream data and continues;
;;   f  traps on downstream data;
;;   p  logs the properties upstream.address, source.address, destination.address and cluster_name on downstream
;;      data, then continues.
;; A counter in a global counts new connections and HTTP responses; responses report it as x-count. The filter
;; logs "new", "downstream_close <peer>", "upstream_close <peer>" and "done" for connections.
(module
  (import "env" "proxy_get_buffer_bytes" (func $get_buffer (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_set_buffer_bytes" (func $set_buffer (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_continue_stream" (func $continue_stream (param i32) (result i32)))
  (import "env" "proxy_close_stream" (func $close_stream (param i32) (result i32)))
  (import "env" "proxy_log" (func $log (param i32 i32 i32) (result i32)))
  (import "env" "proxy_set_tick_period_milliseconds" (func $tick_period (param i32) (result i32)))
  (import "env" "proxy_set_effective_context" (func $effective (param i32) (result i32)))
  (import "env" "proxy_replace_header_map_value" (func $replace (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_get_property" (func $get_property (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (global $heap (mut i32) (i32.const 4096))
  (global $mode (mut i32) (i32.const 116)) ;; 't'
  (global $count (mut i32) (i32.const 0))
  (global $held (mut i32) (i32.const 0))
  (global $root (mut i32) (i32.const 0))
  ;; 96/100: a buffer's pointer and size as the host returns them; 128-159: decimal digits.
  (data (i32.const 200) "new")
  (data (i32.const 208) "downstream_close ?")
  (data (i32.const 240) "upstream_close ?")
  (data (i32.const 264) "done")
  (data (i32.const 272) "x-count")
  (data (i32.const 300) "upstream\00address")
  (data (i32.const 320) "source\00address")
  (data (i32.const 340) "destination\00address")
  (data (i32.const 364) "cluster_name")
  (func (export "proxy_abi_version_0_2_1"))
  ;; A bump allocator, reset at the start of each data callback (nothing outlives one), growing memory as needed.
  (func (export "proxy_on_memory_allocate") (param $n i32) (result i32)
    (local $p i32) (local $end i32)
    (local.set $p (global.get $heap))
    (local.set $end (i32.add (local.get $p) (local.get $n)))
    (if (i32.gt_u (local.get $end) (i32.mul (memory.size) (i32.const 65536)))
      (then (drop (memory.grow
        (i32.sub (i32.div_u (i32.add (local.get $end) (i32.const 65535)) (i32.const 65536)) (memory.size))))))
    (global.set $heap (local.get $end))
    (local.get $p))
  (func (export "proxy_on_context_create") (param $ctx i32) (param $parent i32)
    (if (i32.eqz (local.get $parent)) (then (global.set $root (local.get $ctx)))))
  (func (export "proxy_on_vm_start") (param i32 i32) (result i32) (i32.const 1))
  (func (export "proxy_on_configure") (param $root i32) (param $size i32) (result i32)
    (if (i32.gt_u (local.get $size) (i32.const 0))
      (then
        (drop (call $get_buffer (i32.const 7) (i32.const 0) (i32.const 1) (i32.const 96) (i32.const 100)))
        (global.set $mode (i32.load8_u (i32.load (i32.const 96))))))
    (if (i32.or (i32.eq (global.get $mode) (i32.const 99)) (i32.eq (global.get $mode) (i32.const 110))) ;; 'c' 'n'
      (then (drop (call $tick_period (i32.const 20)))))
    (i32.const 1))
  (func $say (param $p i32) (param $n i32)
    (drop (call $log (i32.const 2) (local.get $p) (local.get $n))))
  ;; Adds $delta to every byte of [$p, $p+$n) that lies in [$lo, $hi].
  (func $map (param $p i32) (param $n i32) (param $lo i32) (param $hi i32) (param $delta i32)
    (local $end i32) (local $b i32)
    (local.set $end (i32.add (local.get $p) (local.get $n)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $b (i32.load8_u (local.get $p)))
        (if (i32.and (i32.ge_u (local.get $b) (local.get $lo)) (i32.le_u (local.get $b) (local.get $hi)))
          (then (i32.store8 (local.get $p) (i32.add (local.get $b) (local.get $delta)))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $next))))
  ;; Maps the whole of buffer $type in place; returns whether it contains '!'.
  (func $rewrite (param $type i32) (param $len i32) (param $lo i32) (param $hi i32) (param $delta i32)
    (result i32)
    (local $p i32) (local $i i32) (local $bang i32)
    (if (i32.eqz (local.get $len)) (then (return (i32.const 0))))
    (global.set $heap (i32.const 4096))
    (drop (call $get_buffer (local.get $type) (i32.const 0) (local.get $len) (i32.const 96) (i32.const 100)))
    (local.set $p (i32.load (i32.const 96)))
    (call $map (local.get $p) (local.get $len) (local.get $lo) (local.get $hi) (local.get $delta))
    (drop (call $set_buffer (local.get $type) (i32.const 0) (local.get $len) (local.get $p) (local.get $len)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (if (i32.eq (i32.load8_u (i32.add (local.get $p) (local.get $i))) (i32.const 33))
          (then (local.set $bang (i32.const 1))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $bang))
  ;; Logs the property at path [$p, $p+$n) if it exists.
  (func $say_property (param $p i32) (param $n i32)
    (if (i32.eqz (call $get_property (local.get $p) (local.get $n) (i32.const 96) (i32.const 100)))
      (then (call $say (i32.load (i32.const 96)) (i32.load (i32.const 100))))))
  (func (export "proxy_on_new_connection") (param $ctx i32) (result i32)
    (global.set $count (i32.add (global.get $count) (i32.const 1)))
    (call $say (i32.const 200) (i32.const 3))
    (if (i32.eq (global.get $mode) (i32.const 110)) ;; 'n'
      (then (global.set $held (local.get $ctx)) (return (i32.const 1))))
    (i32.const 0))
  (func (export "proxy_on_downstream_data") (param $ctx i32) (param $len i32) (param $eos i32) (result i32)
    (local $bang i32)
    (if (i32.eq (global.get $mode) (i32.const 102)) (then unreachable)) ;; 'f'
    (local.set $bang (call $rewrite (i32.const 2) (local.get $len) (i32.const 97) (i32.const 122) (i32.const -32)))
    (if (i32.eq (global.get $mode) (i32.const 112)) ;; 'p'
      (then
        (call $say_property (i32.const 300) (i32.const 16))
        (call $say_property (i32.const 320) (i32.const 14))
        (call $say_property (i32.const 340) (i32.const 19))
        (call $say_property (i32.const 364) (i32.const 12))))
    (if (i32.eq (global.get $mode) (i32.const 120)) ;; 'x'
      (then (drop (call $close_stream (i32.const 2))) (return (i32.const 0))))
    (if (i32.eq (global.get $mode) (i32.const 104)) ;; 'h'
      (then (return (i32.eqz (i32.or (local.get $bang) (local.get $eos))))))
    (if (i32.eq (global.get $mode) (i32.const 99)) ;; 'c'
      (then (global.set $held (local.get $ctx)) (return (i32.const 1))))
    (i32.const 0))
  (func (export "proxy_on_upstream_data") (param $ctx i32) (param $len i32) (param $eos i32) (result i32)
    (drop (call $rewrite (i32.const 3) (local.get $len) (i32.const 65) (i32.const 90) (i32.const 32)))
    (i32.const 0))
  (func (export "proxy_on_downstream_connection_close") (param $ctx i32) (param $peer i32)
    (i32.store8 (i32.const 225) (i32.add (i32.const 48) (local.get $peer)))
    (call $say (i32.const 208) (i32.const 18)))
  (func (export "proxy_on_upstream_connection_close") (param $ctx i32) (param $peer i32)
    (i32.store8 (i32.const 255) (i32.add (i32.const 48) (local.get $peer)))
    (call $say (i32.const 240) (i32.const 16)))
  (func (export "proxy_on_tick") (param $root i32)
    (if (global.get $held)
      (then
        (drop (call $effective (global.get $held)))
        (drop (call $continue_stream (i32.const 2)))
        (global.set $held (i32.const 0)))))
  (func (export "proxy_on_done") (param $ctx i32) (result i32)
    (if (i32.ne (local.get $ctx) (global.get $root)) (then (call $say (i32.const 264) (i32.const 4))))
    (i32.const 1))
  (func (export "proxy_on_log") (param i32))
  (func (export "proxy_on_delete") (param i32))
  (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32) (i32.const 0))
  ;; Writes $n in decimal so that it ends at 160; returns where it starts.
  (func $decimal (param $n i32) (result i32)
    (local $p i32)
    (local.set $p (i32.const 160))
    (loop $digit
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
      (br_if $digit (local.get $n)))
    (local.get $p))
  (func (export "proxy_on_response_headers") (param i32 i32 i32) (result i32)
    (local $p i32)
    (global.set $count (i32.add (global.get $count) (i32.const 1)))
    (local.set $p (call $decimal (global.get $count)))
    (drop (call $replace (i32.const 2) (i32.const 272) (i32.const 7)
      (local.get $p) (i32.sub (i32.const 160) (local.get $p))))
    (i32.const 0))
)
