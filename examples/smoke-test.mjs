// smoke-test.mjs - a tiny in-process proxy-wasm host (Node's WebAssembly) that loads each
// committed example and checks the behaviour documented in README.md. It is a sanity check of
// the binaries, not a reference host: wasmesh's Java tests are the real contract tests.
//
// Usage: node examples/smoke-test.mjs   (from anywhere; exits non-zero on the first failure)

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";

const here = dirname(fileURLToPath(import.meta.url));
const enc = new TextEncoder();
const dec = new TextDecoder();

// ---- header-map encoding -------------------------------------------------------------------
function encodeMap(pairs) {
  const parts = pairs.map(([k, v]) => [enc.encode(k), enc.encode(v)]);
  let size = 4 + 8 * parts.length;
  for (const [k, v] of parts) size += k.length + v.length + 2;
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, parts.length, true);
  let off = 4;
  for (const [k, v] of parts) {
    dv.setUint32(off, k.length, true);
    dv.setUint32(off + 4, v.length, true);
    off += 8;
  }
  for (const [k, v] of parts) {
    out.set(k, off); off += k.length + 1;
    out.set(v, off); off += v.length + 1;
  }
  return out;
}

function decodeMap(bytes) {
  if (bytes.length === 0) return [];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = dv.getUint32(0, true);
  const sizes = [];
  for (let i = 0; i < n; i++) sizes.push([dv.getUint32(4 + 8 * i, true), dv.getUint32(8 + 8 * i, true)]);
  let off = 4 + 8 * n;
  const pairs = [];
  for (const [ks, vs] of sizes) {
    const k = dec.decode(bytes.subarray(off, off + ks)); off += ks + 1;
    const v = dec.decode(bytes.subarray(off, off + vs)); off += vs + 1;
    pairs.push([k, v]);
  }
  return pairs;
}

// ---- a minimal host ------------------------------------------------------------------------
class Host {
  constructor(file, { rootId = "", vmConfig = "", pluginConfig = "" } = {}) {
    this.logs = [];        // [level, message]
    this.stdout = "";
    this.maps = {};        // map type -> [[k, v]]
    this.buffers = {};     // buffer type -> Uint8Array
    this.properties = new Map([["plugin_root_id", rootId], ["plugin_vm_id", "vm"]]);
    this.shared = new Map(); // key -> {value, cas}
    this.queues = [];      // {name, items}
    this.metrics = [];     // {type, name, value}
    this.calls = [];       // outgoing call-outs
    this.localResponse = null;
    this.continued = [];
    this.effective = 0;
    this.done = false;
    this.status = { code: 0, message: "" };
    this.vmConfig = vmConfig;
    this.pluginConfig = pluginConfig;
    const module = new WebAssembly.Module(readFileSync(join(here, file)));
    const imports = {};
    for (const imp of WebAssembly.Module.imports(module)) {
      imports[imp.module] ??= {};
      const impl = this.impl(imp.module, imp.name);
      imports[imp.module][imp.name] = impl ?? (() => { throw new Error(`unimplemented ${imp.module}.${imp.name}`); });
    }
    this.exportsOf = WebAssembly.Module.exports(module).map((e) => e.name);
    this.instance = new WebAssembly.Instance(module, imports);
    this.x = this.instance.exports;
  }

  mem() { return new Uint8Array(this.x.memory.buffer); }
  dv() { return new DataView(this.x.memory.buffer); }
  str(ptr, len) { return dec.decode(this.mem().subarray(ptr, ptr + len)); }
  bytes(ptr, len) { return this.mem().slice(ptr, ptr + len); }
  give(data, ptrOut, sizeOut) {
    const alloc = this.x.proxy_on_memory_allocate ?? this.x.malloc;
    const p = data.length ? alloc(data.length) : 0;
    if (data.length) this.mem().set(data, p);
    this.dv().setUint32(ptrOut, p, true);
    this.dv().setUint32(sizeOut, data.length, true);
    return 0;
  }
  map(t) { return (this.maps[t] ??= []); }

  impl(mod, name) {
    if (mod === "wasi_snapshot_preview1" || mod === "wasi_unstable") {
      const wasi = {
        fd_write: (fd, iovs, n, written) => {
          let total = 0;
          for (let i = 0; i < n; i++) {
            const p = this.dv().getUint32(iovs + 8 * i, true), l = this.dv().getUint32(iovs + 8 * i + 4, true);
            const s = this.str(p, l);
            if (fd === 1) this.stdout += s; else this.logs.push([4, s]);
            total += l;
          }
          this.dv().setUint32(written, total, true);
          return 0;
        },
        fd_fdstat_get: () => 8, fd_seek: () => 8, fd_close: () => 0,
        proc_exit: (c) => { throw new Error(`proc_exit(${c})`); },
        environ_sizes_get: (a, b) => { this.dv().setUint32(a, 0, true); this.dv().setUint32(b, 0, true); return 0; },
        environ_get: () => 0,
      };
      return wasi[name];
    }
    const h = {
      proxy_log: (lvl, p, l) => { this.logs.push([lvl, this.str(p, l)]); return 0; },
      proxy_get_log_level: (out) => { this.dv().setUint32(out, 2, true); return 0; },
      proxy_get_status: (codeOut, p, s) => { this.dv().setUint32(codeOut, this.status.code, true); return this.give(enc.encode(this.status.message), p, s); },
      proxy_set_effective_context: (id) => { this.effective = id; return 0; },
      proxy_done: () => { this.done = true; return 0; },
      proxy_set_tick_period_milliseconds: (ms) => { this.tick = ms; return 0; },
      proxy_get_current_time_nanoseconds: (out) => { this.dv().setBigUint64(out, BigInt(Date.now()) * 1000000n, true); return 0; },
      proxy_get_buffer_bytes: (t, start, len, p, s) => {
        const b = t === 6 ? enc.encode(this.vmConfig) : t === 7 ? enc.encode(this.pluginConfig) : this.buffers[t];
        if (!b) return 1;
        const end = Math.min(b.length, start + (len >>> 0));
        return this.give(b.subarray(Math.min(start, b.length), end), p, s);
      },
      proxy_get_buffer_status: (t, lenOut, flagsOut) => {
        const b = this.buffers[t]; if (!b) return 1;
        this.dv().setUint32(lenOut, b.length, true); this.dv().setUint32(flagsOut, 0, true); return 0;
      },
      proxy_set_buffer_bytes: (t, start, len, p, s) => {
        const b = this.buffers[t] ?? new Uint8Array(0);
        const data = this.bytes(p, s);
        const out = new Uint8Array(b.length - Math.min(len, b.length - start) + data.length);
        out.set(b.subarray(0, start)); out.set(data, start); out.set(b.subarray(start + len), start + data.length);
        this.buffers[t] = out; return 0;
      },
      proxy_get_header_map_pairs: (t, p, s) => this.give(encodeMap(this.map(t)), p, s),
      proxy_set_header_map_pairs: (t, p, s) => { this.maps[t] = decodeMap(this.bytes(p, s)); return 0; },
      proxy_get_header_map_size: (t, out) => { this.dv().setUint32(out, encodeMap(this.map(t)).length, true); return 0; },
      proxy_get_header_map_value: (t, kp, ks, p, s) => {
        const k = this.str(kp, ks), e = this.map(t).find(([n]) => n === k);
        return e ? this.give(enc.encode(e[1]), p, s) : 1;
      },
      proxy_add_header_map_value: (t, kp, ks, vp, vs) => { this.map(t).push([this.str(kp, ks), this.str(vp, vs)]); return 0; },
      proxy_replace_header_map_value: (t, kp, ks, vp, vs) => {
        const k = this.str(kp, ks);
        this.maps[t] = this.map(t).filter(([n]) => n !== k); this.maps[t].push([k, this.str(vp, vs)]); return 0;
      },
      proxy_remove_header_map_value: (t, kp, ks) => { const k = this.str(kp, ks); this.maps[t] = this.map(t).filter(([n]) => n !== k); return 0; },
      proxy_get_property: (pp, ps, p, s) => {
        const k = this.str(pp, ps);
        if (k === "request\0path") { const e = this.map(0).find(([n]) => n === ":path"); return e ? this.give(enc.encode(e[1]), p, s) : 1; }
        return this.properties.has(k) ? this.give(enc.encode(this.properties.get(k)), p, s) : 1;
      },
      proxy_set_property: (pp, ps, vp, vs) => { this.properties.set(this.str(pp, ps), this.str(vp, vs)); return 0; },
      proxy_continue_stream: (t) => { this.continued.push([this.effective, t]); return 0; },
      proxy_close_stream: (t) => { this.closed = t; return 0; },
      proxy_send_local_response: (code, dp, ds, bp, bs, hp, hs, grpc) => {
        this.localResponse = { code, details: this.str(dp, ds), body: this.str(bp, bs), headers: decodeMap(this.bytes(hp, hs)), grpc };
        return 0;
      },
      proxy_http_call: (up, us, hp, hs, bp, bs, tp, ts, timeout, tokOut) => {
        const token = 100 + this.calls.length;
        this.calls.push({ kind: "http", token, upstream: this.str(up, us), headers: decodeMap(this.bytes(hp, hs)), body: this.str(bp, bs), timeout });
        this.dv().setUint32(tokOut, token, true); return 0;
      },
      proxy_grpc_call: (sp, ss, np, ns, mp, ms, hp, hs, gp, gs, timeout, tokOut) => {
        const token = 200 + this.calls.length;
        this.calls.push({ kind: "grpc", token, service: this.str(sp, ss), name: this.str(np, ns), method: this.str(mp, ms), message: this.str(gp, gs), timeout });
        this.dv().setUint32(tokOut, token, true); return 0;
      },
      proxy_grpc_stream: (sp, ss, np, ns, mp, ms, hp, hs, tokOut) => {
        const token = 300 + this.calls.length;
        this.calls.push({ kind: "grpc-stream", token, service: this.str(sp, ss), name: this.str(np, ns), method: this.str(mp, ms), metadata: decodeMap(this.bytes(hp, hs)), sent: [] });
        this.dv().setUint32(tokOut, token, true); return 0;
      },
      proxy_grpc_send: (tok, p, s, end) => { this.calls.find((c) => c.token === tok).sent.push([this.str(p, s), end]); return 0; },
      proxy_grpc_cancel: (tok) => (this.calls.some((c) => c.token === tok) ? 0 : 1),
      proxy_grpc_close: (tok) => (this.calls.some((c) => c.token === tok) ? 0 : 1),
      proxy_get_shared_data: (kp, ks, p, s, casOut) => {
        const e = this.shared.get(this.str(kp, ks)); if (!e) return 1;
        this.dv().setUint32(casOut, e.cas, true); return this.give(e.value, p, s);
      },
      proxy_set_shared_data: (kp, ks, vp, vs, cas) => {
        const k = this.str(kp, ks), e = this.shared.get(k);
        if (cas !== 0 && e && e.cas !== cas) return 8;
        this.shared.set(k, { value: this.bytes(vp, vs), cas: (e?.cas ?? 0) + 1 }); return 0;
      },
      proxy_register_shared_queue: (np, ns, out) => { this.queues.push({ name: this.str(np, ns), items: [] }); this.dv().setUint32(out, this.queues.length, true); return 0; },
      proxy_resolve_shared_queue: (vp, vs, np, ns, out) => {
        const i = this.queues.findIndex((q) => q.name === this.str(np, ns)); if (i < 0) return 1;
        this.resolvedVm = this.str(vp, vs); this.dv().setUint32(out, i + 1, true); return 0;
      },
      proxy_enqueue_shared_queue: (id, p, s) => { this.queues[id - 1].items.push(this.bytes(p, s)); return 0; },
      proxy_dequeue_shared_queue: (id, p, s) => { const it = this.queues[id - 1].items.shift(); return it ? this.give(it, p, s) : 7; },
      proxy_define_metric: (t, np, ns, out) => { this.metrics.push({ type: t, name: this.str(np, ns), value: 0n, records: [] }); this.dv().setUint32(out, this.metrics.length, true); return 0; },
      proxy_increment_metric: (id, off) => { this.metrics[id - 1].value += off; return 0; },
      proxy_record_metric: (id, v) => { this.metrics[id - 1].records.push(v); return 0; },
      proxy_get_metric: (id, out) => { this.dv().setBigUint64(out, BigInt.asUintN(64, this.metrics[id - 1].value), true); return 0; },
      proxy_call_foreign_function: (np, ns, ap, as, p, s) => {
        if (this.str(np, ns) !== "echo") return 1;
        return this.give(this.bytes(ap, as), p, s);
      },
    };
    return h[name];
  }

  header(t, k) { return this.map(t).find(([n]) => n === k)?.[1]; }
  logged(text) { return this.logs.some(([, m]) => m === text); }
}

// ---- checks --------------------------------------------------------------------------------
let passed = 0, failed = 0;
function check(name, fn) {
  try { fn(); passed++; console.log(`ok   ${name}`); }
  catch (e) { failed++; console.log(`FAIL ${name}\n     ${e.stack.split("\n").slice(0, 3).join("\n     ")}`); }
}

function start(h) {
  if (h.x._initialize) h.x._initialize();
  else if (h.x._start) h.x._start();
}

function newStream(h, id, root, requestHeaders) {
  h.maps[0] = requestHeaders;
  h.x.proxy_on_context_create(id, root);
  h.effective = id;
  return h.x.proxy_on_request_headers(id, requestHeaders.length, 0);
}

const simpleHello = (file, opts, extra) => () => {
  const h = new Host(file, opts);
  start(h);
  h.x.proxy_on_context_create(1, 0);
  assert.equal(h.x.proxy_on_vm_start(1, 0), 1);
  assert.equal(h.x.proxy_on_configure(1, opts?.pluginConfig?.length ?? 0), 1);
  newStream(h, 2, 1, [[":path", "/p?q=1"]]);
  h.maps[2] = [["hello", "old"]];
  assert.equal(h.x.proxy_on_response_headers(2, 1, 0), 0);
  assert.equal(h.header(2, "hello"), "world");
  assert.equal(h.map(2).filter(([k]) => k === "hello").length, 1);
  extra?.(h);
};

check("seed: hello: world", simpleHello("seed/filter.wasm"));
check("rust: hello: world, x-rust: yes", simpleHello("rust/filter.wasm", {}, (h) => assert.equal(h.header(2, "x-rust"), "yes")));
check("as-solo: hello + x-as-config + logs", simpleHello("as-solo/filter.wasm", { rootId: "as_solo", pluginConfig: "cfg1" }, (h) => {
  assert.equal(h.header(2, "x-as-config"), "cfg1");
  assert.ok(h.logged("as-solo configured: cfg1"), JSON.stringify(h.logs));
  assert.ok(h.logged("as-solo: response headers done"));
}));
check("as-gcore: hello + x-as-gcore + stdout", simpleHello("as-gcore/filter.wasm", {}, (h) => {
  assert.equal(h.header(2, "x-as-gcore"), "/p?q=1");
  assert.ok(h.stdout.includes("[INFO]: as-gcore: response for /p?q=1\n"), h.stdout);
}));

function cAll(opts = {}) {
  const h = new Host("c-all/filter.wasm", { rootId: "c_all_root", vmConfig: "vmcfg", pluginConfig: "plugcfg", ...opts });
  start(h);
  h.x.proxy_on_context_create(1, 0);
  assert.equal(h.x.proxy_on_vm_start(1, 5), 1);
  assert.equal(h.x.proxy_on_configure(1, 7), 1);
  return h;
}

check("c-all: start-up", () => {
  const h = cAll();
  assert.equal(h.stdout, "c-all stdout hello\n");
  assert.ok(h.logged("vm config: vmcfg"));
  assert.ok(h.logged("plugin config: plugcfg"));
  assert.deepEqual(h.metrics.map((m) => [m.type, m.name]), [[0, "c_all_requests"], [1, "c_all_inflight"], [2, "c_all_body_size"]]);
  assert.equal(h.tick, 1000);
  assert.equal(h.queues[0].name, "c_all_queue");
  const f = new Host("c-all/filter.wasm", { pluginConfig: "fail" });
  start(f);
  f.x.proxy_on_context_create(1, 0);
  assert.equal(f.x.proxy_on_configure(1, 4), 0);
  assert.ok(f.logs.some(([l, m]) => l === 4 && m.includes("rejected")));
});

check("c-all: tick + queue + defer-done", () => {
  const h = cAll();
  h.x.proxy_on_tick(1); h.x.proxy_on_tick(1);
  assert.ok(h.logged("tick 1") && h.logged("tick 2"));
  assert.equal(dec.decode(h.shared.get("c_all_ticks").value), "2");
  assert.equal(newStream(h, 2, 1, [[":path", "/queue"], ["x-value", "hi"]]), 0);
  assert.equal(h.header(0, "x-c-all-queue"), "enqueued");
  assert.equal(h.resolvedVm, "vm");
  h.x.proxy_on_queue_ready(1, 1);
  assert.ok(h.logged("queue: hi"));
  assert.equal(h.x.proxy_on_done(1), 1);
  const d = cAll({ pluginConfig: "defer-done" });
  assert.equal(d.x.proxy_on_done(1), 0);
  d.x.proxy_on_tick(1);
  assert.ok(d.done);
});

check("c-all: common headers, metrics, log, delete", () => {
  const h = cAll();
  assert.equal(newStream(h, 2, 1, [[":path", "/metric?x"]]), 0);
  assert.equal(h.header(0, "x-c-all-path"), "/metric?x");
  assert.equal(h.header(0, "x-c-all-request-path"), "/metric?x");
  assert.equal(h.header(0, "x-c-all-root-id"), "c_all_root");
  assert.equal(h.header(0, "x-c-all-count"), "1");
  assert.equal(h.header(0, "x-c-all-inflight"), "1");
  h.x.proxy_on_log(2);
  assert.ok(h.logged("log: /metric?x"));
  assert.equal(h.x.proxy_on_done(2), 1);
  h.x.proxy_on_delete(2);
  assert.equal(h.metrics[1].value, 0n);
});

check("c-all: /local", () => {
  const h = cAll();
  assert.equal(newStream(h, 2, 1, [[":path", "/local"]]), 1);
  assert.deepEqual(h.localResponse, { code: 403, details: "c_all_denied", body: "denied by c-all", headers: [["x-c-all", "local"]], grpc: -1 });
  assert.equal(h.header(0, "x-c-all-path"), undefined);
});

check("c-all: /callout", () => {
  const h = cAll();
  assert.equal(newStream(h, 2, 1, [[":path", "/callout"]]), 1);
  const c = h.calls[0];
  assert.equal(c.upstream, "backend");
  assert.deepEqual(c.headers, [[":method", "GET"], [":path", "/callout-target"], [":authority", "backend"]]);
  assert.equal(c.timeout, 5000);
  h.maps[6] = [[":status", "200"]];
  h.buffers[4] = enc.encode("pong");
  h.effective = 1;
  h.x.proxy_on_http_call_response(1, c.token, 1, 4, 0);
  assert.equal(h.header(0, "x-c-all-callout-status"), "200");
  assert.equal(h.header(0, "x-c-all-callout-body"), "pong");
  assert.deepEqual(h.continued, [[2, 0]]);
});

check("c-all: /grpc, /grpc-stream, /grpc-cancel, /grpc-close", () => {
  let h = cAll();
  assert.equal(newStream(h, 2, 1, [[":path", "/grpc"]]), 1);
  assert.deepEqual([h.calls[0].service, h.calls[0].name, h.calls[0].method, h.calls[0].message], ["backend", "grpc.Service", "Method", "c-all-ping"]);
  h.buffers[5] = enc.encode("reply");
  h.x.proxy_on_grpc_receive(1, h.calls[0].token, 5);
  assert.equal(h.header(0, "x-c-all-grpc"), "reply");
  assert.deepEqual(h.continued, [[2, 0]]);

  h = cAll();
  newStream(h, 2, 1, [[":path", "/grpc"]]);
  h.status = { code: 14, message: "unavailable" };
  h.x.proxy_on_grpc_close(1, h.calls[0].token, 14);
  assert.equal(h.header(0, "x-c-all-grpc-status"), "14");
  assert.equal(h.header(0, "x-c-all-grpc-message"), "unavailable");

  h = cAll();
  assert.equal(newStream(h, 2, 1, [[":path", "/grpc-stream"]]), 1);
  const s = h.calls[0];
  assert.deepEqual([s.method, s.metadata, s.sent], ["Stream", [["x-c-all-md", "1"]], [["c-all-stream", 1]]]);
  h.x.proxy_on_grpc_receive_initial_metadata(1, s.token, 2);
  h.buffers[5] = enc.encode("streamed");
  h.x.proxy_on_grpc_receive(1, s.token, 8);
  h.x.proxy_on_grpc_receive_trailing_metadata(1, s.token, 3);
  assert.equal(h.continued.length, 0);
  h.x.proxy_on_grpc_close(1, s.token, 0);
  assert.equal(h.header(0, "x-c-all-grpc"), "streamed");
  assert.equal(h.header(0, "x-c-all-grpc-metadata"), "2/3");
  assert.equal(h.header(0, "x-c-all-grpc-status"), "0");
  assert.deepEqual(h.continued, [[2, 0]]);

  h = cAll();
  assert.equal(newStream(h, 2, 1, [[":path", "/grpc-cancel"]]), 0);
  assert.equal(h.header(0, "x-c-all-grpc-cancel"), "0");
  h = cAll();
  assert.equal(newStream(h, 2, 1, [[":path", "/grpc-close"]]), 0);
  assert.equal(h.header(0, "x-c-all-grpc-close"), "0");
});

check("c-all: /shared /foreign /property /loglevel /time /remove /close", () => {
  const h = cAll();
  newStream(h, 2, 1, [[":path", "/shared"], ["x-value", "v1"]]);
  assert.equal(h.header(0, "x-c-all-shared"), "v1");
  newStream(h, 3, 1, [[":path", "/foreign"]]);
  assert.equal(h.header(0, "x-c-all-foreign"), "ping");
  newStream(h, 4, 1, [[":path", "/property"]]);
  assert.equal(h.header(0, "x-c-all-property"), "v");
  newStream(h, 5, 1, [[":path", "/loglevel"]]);
  assert.equal(h.header(0, "x-c-all-log-level"), "2");
  newStream(h, 6, 1, [[":path", "/time"]]);
  assert.equal(h.header(0, "x-c-all-time"), "ok");
  newStream(h, 7, 1, [[":path", "/remove"], ["x-remove-me", "1"], ["x-keep", "1"]]);
  assert.equal(h.header(0, "x-remove-me"), undefined);
  assert.equal(h.header(0, "x-keep"), "1");
  assert.equal(newStream(h, 8, 1, [[":path", "/close"]]), 1);
  assert.equal(h.closed, 0);
});

check("c-all: /pairs /setpairs", () => {
  const h = cAll();
  newStream(h, 2, 1, [[":path", "/pairs"], ["a", "1"], ["b", "22"]]);
  assert.equal(h.header(0, "x-c-all-header-count"), "3");
  assert.equal(h.header(0, "x-c-all-header-size"), String(encodeMap([[":path", "/pairs"], ["a", "1"], ["b", "22"]]).length));
  newStream(h, 3, 1, [[":path", "/setpairs"], ["a", "1"]]);
  assert.deepEqual(h.map(0).slice(0, 3), [[":path", "/setpairs"], ["a", "1"], ["x-c-all-set-pairs", "yes"]]);
});

check("c-all: bodies and trailers", () => {
  const h = cAll();
  newStream(h, 2, 1, [[":path", "/"], ["x-buffer", "yes"]]);
  h.buffers[0] = enc.encode("hello");
  assert.equal(h.x.proxy_on_request_body(2, 5, 0), 1);
  h.buffers[0] = enc.encode("hello body");
  assert.equal(h.x.proxy_on_request_body(2, 10, 1), 0);
  assert.equal(dec.decode(h.buffers[0]), "HELLO BODY");
  assert.deepEqual(h.metrics[2].records, [10n]);
  assert.equal(h.x.proxy_on_request_trailers(2, 0), 0);
  assert.equal(h.header(1, "x-c-all-trailer"), "seen");
  h.maps[2] = [["x-powered-by", "php"], ["x-buffer-response", "1"]];
  assert.equal(h.x.proxy_on_response_headers(2, 2, 0), 0);
  assert.equal(h.header(2, "x-c-all-response"), "yes");
  assert.equal(h.header(2, "x-c-all-replaced"), "yes");
  assert.equal(h.header(2, "x-powered-by"), undefined);
  h.buffers[1] = enc.encode("body");
  assert.equal(h.x.proxy_on_response_body(2, 4, 0), 1);
  assert.equal(h.x.proxy_on_response_body(2, 4, 1), 0);
  assert.equal(dec.decode(h.buffers[1]), "[c-all]body");
  assert.equal(h.x.proxy_on_response_trailers(2, 0), 0);
  assert.equal(h.header(3, "x-c-all-trailer"), "seen");

  const n = cAll(); // without x-buffer: bodies pass untouched
  newStream(n, 2, 1, [[":path", "/"]]);
  n.buffers[0] = enc.encode("abc");
  assert.equal(n.x.proxy_on_request_body(2, 3, 0), 0);
  assert.equal(dec.decode(n.buffers[0]), "abc");
});

check("c-all: x-c-all-error on a failing host call", () => {
  const h = cAll();
  h.properties.set("plugin_vm_id", "vm");
  h.queues.length = 0; // resolve fails with NOT_FOUND
  newStream(h, 2, 1, [[":path", "/queue"]]);
  assert.equal(h.header(0, "x-c-all-error"), "proxy_resolve_shared_queue 1");
});

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
