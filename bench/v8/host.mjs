// A minimal proxy-wasm host on Node's WebAssembly (V8, the engine Envoy embeds), only as far as the benchmarked
// example filters need it, to time the same request lifecycle as dev.wasmesh.bench.LifecycleCost on the same
// .wasm files. Not a reference host: wasmesh's Java tests are the contract tests.
//
// Usage: node --single-threaded bench/v8/host.mjs FILTER.wasm [seconds, default 20]
// Prints one line per round (requests so far, µs per request of process CPU time and of wall time) and a final
// "result" line with the best round of each. --single-threaded keeps V8's compiler and GC on the main thread, so
// the process CPU time is the one thread's, as the Java side measures it.

import { readFileSync } from "node:fs";
import { randomFillSync } from "node:crypto";

const enc = new TextEncoder();
const dec = new TextDecoder();

// proxy-wasm status codes and WASI errno values the host answers with.
const OK = 0;
const NOT_FOUND = 1;
const BAD_ARGUMENT = 2;
const EBADF = 8;
const ENOSYS = 52;

// The request and response of every benchmarked request (bench/src/.../SampleExchange.java).
const REQUEST_HEADERS = [
  [":method", "GET"], [":path", "/"], [":authority", "example.com"], [":scheme", "http"],
  ["user-agent", "wasmesh-bench"], ["accept", "*/*"],
];
const RESPONSE_HEADERS = [[":status", "200"], ["content-type", "text/plain"], ["content-length", "2"]];

class ProcExit extends Error {}

// A string's UTF-8 bytes; ASCII by hand, as in Host.str.
function bytes(s) {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) return enc.encode(s);
    out[i] = c;
  }
  return out;
}

export class Host {
  constructor(wasm) {
    this.maps = [];              // header map type -> [[name, value]]
    this.metrics = [];           // id -> {name, value}
    this.metricIds = new Map();
    this.stdout = "";
    this.logs = 0;
    this.mem = null;
    this.u8 = null;
    this.dv = null;
    const module = new WebAssembly.Module(wasm);
    const imports = {};
    for (const imp of WebAssembly.Module.imports(module)) {
      const fn = this[`${imp.module}.${imp.name}`];
      imports[imp.module] ??= {};
      imports[imp.module][imp.name] = fn
        ? fn.bind(this)
        : () => { throw new Error(`not in this host: ${imp.module}.${imp.name}`); };
    }
    this.instance = new WebAssembly.Instance(module, imports);
    this.x = this.instance.exports;
    this.mem = this.x.memory;
    this.x._initialize?.();
    this.nextId = 1;
    this.rootId = this.nextId++;
    this.x.proxy_on_context_create(this.rootId, 0);
    if (!this.x.proxy_on_vm_start(this.rootId, 0)) throw new Error("proxy_on_vm_start failed");
    if (!this.x.proxy_on_configure(this.rootId, 0)) throw new Error("proxy_on_configure failed");
  }

  // Views over guest memory, renewed when memory.grow replaced the buffer.
  view() {
    if (this.u8 === null || this.u8.buffer !== this.mem.buffer) {
      this.u8 = new Uint8Array(this.mem.buffer);
      this.dv = new DataView(this.mem.buffer);
    }
    return this.dv;
  }
  // Short ASCII strings by hand: TextDecoder's call costs more than the copy for header-sized strings.
  str(ptr, len) {
    this.view();
    const u8 = this.u8;
    if (len <= 64) {
      let s = "";
      for (let i = ptr; i < ptr + len; i++) {
        const c = u8[i];
        if (c > 0x7f) return dec.decode(u8.subarray(ptr, ptr + len));
        s += String.fromCharCode(c);
      }
      return s;
    }
    return dec.decode(u8.subarray(ptr, ptr + len));
  }
  // Copies bytes into a guest allocation and stores its address and size at the two return pointers.
  give(bytes, retPtr, retSize) {
    const ptr = bytes.length === 0 ? 0 : this.x.proxy_on_memory_allocate(bytes.length);
    const dv = this.view();
    if (bytes.length > 0) this.u8.set(bytes, ptr);
    dv.setUint32(retPtr, ptr, true);
    dv.setUint32(retSize, bytes.length, true);
    return OK;
  }

  // One request's lifecycle on fresh header maps, as WasmeshWorker.serve does.
  serve() {
    const id = this.nextId++;
    this.maps[0] = REQUEST_HEADERS.map(([k, v]) => [k, v]);
    this.maps[2] = RESPONSE_HEADERS.map(([k, v]) => [k, v]);
    this.x.proxy_on_context_create(id, this.rootId);
    this.x.proxy_on_request_headers(id, this.maps[0].length, 1);
    this.x.proxy_on_response_headers(id, this.maps[2].length, 1);
    this.x.proxy_on_done(id);
    this.x.proxy_on_log(id);
    this.x.proxy_on_delete(id);
    return this.maps[2];
  }

  // ---- proxy-wasm ABI 0.2 ------------------------------------------------------------------------------------
  "env.proxy_log"(level, ptr, len) { this.str(ptr, len); this.logs++; return OK; }
  "env.proxy_get_log_level"(ret) { this.view().setUint32(ret, 2, true); return OK; }
  "env.proxy_set_effective_context"() { return OK; }
  "env.proxy_set_tick_period_milliseconds"() { return OK; }
  "env.proxy_get_current_time_nanoseconds"(ret) {
    this.view().setBigUint64(ret, BigInt(Date.now()) * 1000000n, true);
    return OK;
  }
  "env.proxy_get_property"() { return NOT_FOUND; }
  "env.proxy_register_shared_queue"(np, nl, ret) { this.view().setUint32(ret, 1, true); return OK; }
  "env.proxy_get_header_map_size"(type, ret) {
    const map = this.maps[type];
    if (!map) return BAD_ARGUMENT;
    this.view().setUint32(ret, map.length, true);
    return OK;
  }
  "env.proxy_get_buffer_bytes"() { return NOT_FOUND; }
  "env.proxy_get_header_map_value"(type, kp, kl, retPtr, retSize) {
    const map = this.maps[type];
    if (!map) return BAD_ARGUMENT;
    const key = this.str(kp, kl);
    for (const [k, v] of map) if (k === key) return this.give(bytes(v), retPtr, retSize);
    return NOT_FOUND;
  }
  "env.proxy_add_header_map_value"(type, kp, kl, vp, vl) {
    const map = this.maps[type];
    if (!map) return BAD_ARGUMENT;
    map.push([this.str(kp, kl).toLowerCase(), this.str(vp, vl)]);
    return OK;
  }
  "env.proxy_replace_header_map_value"(type, kp, kl, vp, vl) {
    const map = this.maps[type];
    if (!map) return BAD_ARGUMENT;
    const key = this.str(kp, kl).toLowerCase();
    const value = this.str(vp, vl);
    const kept = map.filter(([k]) => k !== key);
    kept.push([key, value]);
    this.maps[type] = kept;
    return OK;
  }
  "env.proxy_remove_header_map_value"(type, kp, kl) {
    const map = this.maps[type];
    if (!map) return BAD_ARGUMENT;
    const key = this.str(kp, kl).toLowerCase();
    this.maps[type] = map.filter(([k]) => k !== key);
    return OK;
  }
  "env.proxy_get_header_map_pairs"(type, retPtr, retSize) {
    const map = this.maps[type];
    if (!map) return BAD_ARGUMENT;
    const parts = map.map(([k, v]) => [bytes(k), bytes(v)]);
    let size = 4 + 8 * parts.length;
    for (const [k, v] of parts) size += k.length + v.length + 2;
    const out = new Uint8Array(size);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, parts.length, true);
    let off = 4 + 8 * parts.length;
    parts.forEach(([k, v], i) => {
      dv.setUint32(4 + 8 * i, k.length, true);
      dv.setUint32(8 + 8 * i, v.length, true);
      out.set(k, off); off += k.length + 1;
      out.set(v, off); off += v.length + 1;
    });
    return this.give(out, retPtr, retSize);
  }
  "env.proxy_define_metric"(type, np, nl, retId) {
    const name = this.str(np, nl);
    let id = this.metricIds.get(name);
    if (id === undefined) {
      id = this.metrics.length;
      this.metrics.push({ name, value: 0n });
      this.metricIds.set(name, id);
    }
    this.view().setUint32(retId, id, true);
    return OK;
  }
  "env.proxy_increment_metric"(id, offset) {
    const m = this.metrics[id];
    if (!m) return NOT_FOUND;
    m.value += offset;
    return OK;
  }
  "env.proxy_record_metric"(id, value) {
    const m = this.metrics[id];
    if (!m) return NOT_FOUND;
    m.value = value;
    return OK;
  }
  "env.proxy_get_metric"(id, ret) {
    const m = this.metrics[id];
    if (!m) return NOT_FOUND;
    this.view().setBigUint64(ret, BigInt.asUintN(64, m.value), true);
    return OK;
  }

  // ---- WASI preview 1, as far as Go's wasip1 runtime and Rust's std use it -------------------------------------
  "wasi_snapshot_preview1.clock_time_get"(id, precision, ret) {
    const now = id === 0 ? BigInt(Date.now()) * 1000000n : process.hrtime.bigint();
    this.view().setBigUint64(ret, now, true);
    return 0;
  }
  "wasi_snapshot_preview1.random_get"(ptr, len) {
    this.view();
    randomFillSync(this.u8, ptr, len);
    return 0;
  }
  "wasi_snapshot_preview1.fd_write"(fd, iovs, count, retWritten) {
    const dv = this.view();
    let written = 0;
    for (let i = 0; i < count; i++) {
      const ptr = dv.getUint32(iovs + 8 * i, true);
      const len = dv.getUint32(iovs + 8 * i + 4, true);
      if (fd === 1 || fd === 2) this.stdout += this.str(ptr, len);
      written += len;
    }
    dv.setUint32(retWritten, written, true);
    return fd === 1 || fd === 2 ? 0 : EBADF;
  }
  "wasi_snapshot_preview1.fd_read"() { return EBADF; }
  "wasi_snapshot_preview1.fd_close"() { return EBADF; }
  "wasi_snapshot_preview1.fd_seek"() { return EBADF; }
  "wasi_snapshot_preview1.fd_prestat_get"() { return EBADF; }
  "wasi_snapshot_preview1.fd_prestat_dir_name"() { return EBADF; }
  "wasi_snapshot_preview1.fd_fdstat_set_flags"() { return ENOSYS; }
  "wasi_snapshot_preview1.fd_fdstat_get"(fd, ret) {
    if (fd > 2) return EBADF;
    const dv = this.view();
    for (let i = 0; i < 24; i++) dv.setUint8(ret + i, 0);
    dv.setUint8(ret, 2); // character device
    return 0;
  }
  "wasi_snapshot_preview1.environ_sizes_get"(count, size) {
    const dv = this.view();
    dv.setUint32(count, 0, true);
    dv.setUint32(size, 0, true);
    return 0;
  }
  "wasi_snapshot_preview1.environ_get"() { return 0; }
  "wasi_snapshot_preview1.args_sizes_get"(count, size) { return this["wasi_snapshot_preview1.environ_sizes_get"](count, size); }
  "wasi_snapshot_preview1.args_get"() { return 0; }
  "wasi_snapshot_preview1.sched_yield"() { return 0; }
  "wasi_snapshot_preview1.proc_exit"(code) { throw new ProcExit(`proc_exit(${code})`); }
  // Clock subscriptions only (what Go's scheduler and time.Sleep use): sleeps until the earliest one is due.
  "wasi_snapshot_preview1.poll_oneoff"(inPtr, outPtr, count, retEvents) {
    const dv = this.view();
    let sleepNs = null;
    for (let i = 0; i < count; i++) {
      const sub = inPtr + 48 * i;
      if (dv.getUint8(sub + 8) !== 0) return ENOSYS;
      const timeout = dv.getBigUint64(sub + 24, true);
      const absolute = (dv.getUint16(sub + 40, true) & 1) !== 0;
      const wait = absolute ? timeout - process.hrtime.bigint() : timeout;
      if (sleepNs === null || wait < sleepNs) sleepNs = wait;
    }
    if (sleepNs !== null && sleepNs > 0n) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(sleepNs) / 1e6);
    }
    for (let i = 0; i < count; i++) {
      const ev = outPtr + 32 * i;
      dv.setBigUint64(ev, dv.getBigUint64(inPtr + 48 * i, true), true);
      dv.setUint16(ev + 8, 0, true);
      dv.setUint8(ev + 10, 0);
    }
    dv.setUint32(retEvents, count, true);
    return 0;
  }
}

// Times rounds of requests until the time is up; prints each round and the best (least µs per request).
function main() {
  const [file, secondsArg] = process.argv.slice(2);
  if (!file) {
    console.error("usage: node bench/v8/host.mjs FILTER.wasm [seconds]");
    process.exit(2);
  }
  const seconds = Number(secondsArg ?? 20);
  const t0 = process.hrtime.bigint();
  const host = new Host(readFileSync(file));
  const startMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const first = host.serve().map(([k, v]) => `${k}: ${v}`).join(", ");
  console.log(`response headers: ${first}`);
  const deadline = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  let perRound = 1000;
  let served = 1;
  let best = Infinity;
  let bestCpu = Infinity;
  let round = 0;
  while (process.hrtime.bigint() < deadline) {
    const cpu0 = process.cpuUsage();
    const start = process.hrtime.bigint();
    for (let i = 0; i < perRound; i++) host.serve();
    const ns = Number(process.hrtime.bigint() - start);
    const cpu = process.cpuUsage(cpu0);
    served += perRound;
    const us = ns / 1000 / perRound;
    const cpuUs = (cpu.user + cpu.system) / perRound;
    best = Math.min(best, us);
    bestCpu = Math.min(bestCpu, cpuUs);
    round++;
    console.log(`round ${round}: ${served} requests, ${cpuUs.toFixed(3)} µs/request CPU, ${us.toFixed(3)} wall`);
    // Rounds of about half a second.
    perRound = Math.max(1000, Math.round((perRound * 5e8) / Math.max(ns, 1)));
  }
  console.log(`result ${file} v8 best_cpu=${bestCpu.toFixed(3)} best_wall=${best.toFixed(3)} requests=${served} ` +
    `start_ms=${startMs.toFixed(1)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
