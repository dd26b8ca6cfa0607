package dev.wasmesh.host;

import static dev.wasmesh.host.Probe.Cb.CONFIGURE;
import static dev.wasmesh.host.Probe.Cb.REQUEST_HEADERS;
import static dev.wasmesh.host.Probe.Cb.TICK;
import static dev.wasmesh.host.Probe.Op.PROXY_CALL_FOREIGN_FUNCTION;
import static dev.wasmesh.host.Probe.Op.PROXY_CLEAR_ROUTE_CACHE;
import static dev.wasmesh.host.Probe.Op.PROXY_CLOSE_STREAM;
import static dev.wasmesh.host.Probe.Op.PROXY_CONTINUE_REQUEST;
import static dev.wasmesh.host.Probe.Op.PROXY_CONTINUE_RESPONSE;
import static dev.wasmesh.host.Probe.Op.PROXY_CONTINUE_STREAM;
import static dev.wasmesh.host.Probe.Op.PROXY_DONE;
import static dev.wasmesh.host.Probe.Op.PROXY_GET_CONFIGURATION;
import static dev.wasmesh.host.Probe.Op.PROXY_GET_CURRENT_TIME_NANOSECONDS;
import static dev.wasmesh.host.Probe.Op.PROXY_GET_HEADER_MAP_VALUE;
import static dev.wasmesh.host.Probe.Op.PROXY_GET_LOG_LEVEL;
import static dev.wasmesh.host.Probe.Op.PROXY_GET_STATUS;
import static dev.wasmesh.host.Probe.Op.PROXY_LOG;
import static dev.wasmesh.host.Probe.Op.PROXY_SEND_LOCAL_RESPONSE;
import static dev.wasmesh.host.Probe.Op.PROXY_SET_EFFECTIVE_CONTEXT;
import static dev.wasmesh.host.Probe.Op.PROXY_SET_TICK_PERIOD_MILLISECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.host.abi.AbiVersion;
import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.host.abi.MapType;
import dev.wasmesh.host.abi.Status;
import dev.wasmesh.host.abi.StreamType;
import dev.wasmesh.host.internal.HeaderPairs;
import dev.wasmesh.host.module.ProxyWasmModule;
import dev.wasmesh.host.stream.Action;
import dev.wasmesh.host.stream.Body;
import dev.wasmesh.host.stream.HeaderMap;
import dev.wasmesh.host.stream.StreamInfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContextFunctionsTest {
    private Probe p = Probe.create(ProxyWasmModule.Engine.COMPILER);

    @Test
    void logsAreFilteredByThePluginLogLevel() {
        Probe.Step[] steps = new Probe.Step[6];
        for (int level = 0; level < 6; level++) {
            steps[level] = p.call(PROXY_LOG, level, p.str("at " + level));
        }
        Probe.Step bad = p.call(PROXY_LOG, 6, p.str("bad level"));
        Probe.Out level = p.out(4);
        Probe.Step getLevel = p.call(PROXY_GET_LOG_LEVEL, level);
        p.on(CONFIGURE, concat(steps, bad, getLevel));
        p.vm.createRootContext(
                Probe.plugin("probe").toBuilder().logLevel(LogLevel.WARN).build());
        assertThat(p.logs).extracting(Probe.LogLine::message).containsExactly("at 3", "at 4", "at 5");
        assertThat(p.logs)
                .extracting(Probe.LogLine::level)
                .containsExactly(LogLevel.WARN, LogLevel.ERROR, LogLevel.CRITICAL);
        assertThat(bad.status()).isEqualTo(Status.BAD_ARGUMENT);
        assertThat(level.u32()).isEqualTo(LogLevel.WARN.ordinal());
    }

    private static Probe.Step[] concat(Probe.Step[] a, Probe.Step... b) {
        List<Probe.Step> all = new ArrayList<>(List.of(a));
        all.addAll(List.of(b));
        return all.toArray(Probe.Step[]::new);
    }

    @Test
    void timeComesFromTheEnvironmentClock() {
        p.env.clock(new HostClock() {
            @Override
            public long realtimeNanos() {
                return 1_234_567_890_123L;
            }

            @Override
            public long monotonicNanos() {
                return 5;
            }
        });
        Probe.Out now = p.out(8);
        Probe.Step get = p.call(PROXY_GET_CURRENT_TIME_NANOSECONDS, now);
        Probe.Step bad = p.call(PROXY_GET_CURRENT_TIME_NANOSECONDS, 0x7FFFFFFF);
        p.on(CONFIGURE, get, bad);
        p.vm.createRootContext(Probe.plugin("probe"));
        assertThat(now.u64()).isEqualTo(1_234_567_890_123L);
        assertThat(bad.status()).isEqualTo(Status.INVALID_MEMORY_ACCESS);
    }

    @Test
    void tickPeriodIsReportedToTheTimerListenerAndTicksRunTheRootContext() {
        List<Long> periods = new ArrayList<>();
        p = Probe.create(
                ProxyWasmModule.Engine.COMPILER,
                AbiVersion.V0_2_1,
                Probe.plugin("probe"),
                new HostEnvironment(),
                new WasmVm.Options().timerListener((root, ms) -> periods.add(ms)));
        p.on(CONFIGURE, p.call(PROXY_SET_TICK_PERIOD_MILLISECONDS, 250));
        RootContext root = p.vm.createRootContext(Probe.plugin("probe"));
        assertThat(root.tickPeriodMillis()).isEqualTo(250);
        p.on(TICK, p.call(PROXY_SET_TICK_PERIOD_MILLISECONDS, 0));
        root.tick();
        assertThat(root.tickPeriodMillis()).isZero();
        assertThat(periods).containsExactly(250L, 0L);
        assertThat(p.events())
                .filteredOn(e -> e.cb() == TICK)
                .singleElement()
                .satisfies(e -> assertThat(e.args().get(0)).isEqualTo(root.id()));
    }

    @Test
    void effectiveContextMustExist() {
        Probe.Step unknown = p.call(PROXY_SET_EFFECTIVE_CONTEXT, 999);
        Probe.Step own = p.call(PROXY_SET_EFFECTIVE_CONTEXT, 1);
        p.on(CONFIGURE, unknown, own);
        p.vm.createRootContext(Probe.plugin("probe"));
        assertThat(unknown.status()).isEqualTo(Status.BAD_ARGUMENT);
        assertThat(own.status()).isEqualTo(Status.OK);
    }

    @Test
    void continueAndCloseStreamReachTheStreamControl() {
        RecordingControl control = new RecordingControl();
        HttpContext http = p.vm.createRootContext(Probe.plugin("probe")).newHttpContext(control, new StreamInfo());
        Probe.Step cont = p.call(PROXY_CONTINUE_STREAM, StreamType.HTTP_REQUEST.ordinal());
        Probe.Step close = p.call(PROXY_CLOSE_STREAM, StreamType.HTTP_RESPONSE.ordinal());
        Probe.Step downstream = p.call(PROXY_CONTINUE_STREAM, StreamType.DOWNSTREAM.ordinal());
        Probe.Step upstream = p.call(PROXY_CONTINUE_STREAM, StreamType.UPSTREAM.ordinal());
        Probe.Step closeDownstream = p.call(PROXY_CLOSE_STREAM, StreamType.DOWNSTREAM.ordinal());
        Probe.Step closeUpstream = p.call(PROXY_CLOSE_STREAM, StreamType.UPSTREAM.ordinal());
        Probe.Step badType = p.call(PROXY_CLOSE_STREAM, 4);
        Probe.Step badContinueType = p.call(PROXY_CONTINUE_STREAM, -1);
        p.on(
                REQUEST_HEADERS,
                cont,
                close,
                downstream,
                upstream,
                closeDownstream,
                closeUpstream,
                badType,
                badContinueType);
        http.onRequestHeaders(HeaderMap.of(":path", "/"), true);
        // As Envoy: a network stream type on an HTTP stream is OK and does nothing, but UPSTREAM never continues.
        assertThat(List.of(cont, close, downstream, upstream, closeDownstream, closeUpstream, badType, badContinueType))
                .extracting(Probe.Step::status)
                .containsExactly(
                        Status.OK,
                        Status.OK,
                        Status.OK,
                        Status.UNIMPLEMENTED,
                        Status.OK,
                        Status.OK,
                        Status.BAD_ARGUMENT,
                        Status.BAD_ARGUMENT);
        assertThat(control.actions).containsExactly("continue HTTP_REQUEST", "close HTTP_RESPONSE");
    }

    @Test
    void rootContextsAnswerOkAndNothingHappens() {
        Probe.Step cont = p.call(PROXY_CONTINUE_STREAM, StreamType.HTTP_REQUEST.ordinal());
        Probe.Step contDownstream = p.call(PROXY_CONTINUE_STREAM, StreamType.DOWNSTREAM.ordinal());
        Probe.Step contUpstream = p.call(PROXY_CONTINUE_STREAM, StreamType.UPSTREAM.ordinal());
        Probe.Step contBadType = p.call(PROXY_CONTINUE_STREAM, 4);
        Probe.Step cont010 = p.call(PROXY_CONTINUE_RESPONSE);
        Probe.Step close = p.call(PROXY_CLOSE_STREAM, StreamType.HTTP_RESPONSE.ordinal());
        Probe.Step closeUpstream = p.call(PROXY_CLOSE_STREAM, StreamType.UPSTREAM.ordinal());
        Probe.Step local = p.call(PROXY_SEND_LOCAL_RESPONSE, 403, p.str(""), p.str(""), p.str(""), -1);
        // Nothing is sent, so nothing about the reply is checked either (Envoy does not look at it).
        Probe.Step oddLocal =
                p.call(PROXY_SEND_LOCAL_RESPONSE, 42, p.str(""), p.str(""), p.bytes(new byte[] {9, 0, 0, 0, 0}), -1);
        Probe.Step badPointer = p.call(PROXY_SEND_LOCAL_RESPONSE, 403, 0x00400000, 4, p.str(""), p.str(""), -1);
        p.on(
                CONFIGURE,
                cont,
                contDownstream,
                contUpstream,
                contBadType,
                cont010,
                close,
                closeUpstream,
                local,
                oddLocal,
                badPointer);
        p.vm.createRootContext(Probe.plugin("probe"));
        assertThat(List.of(
                        cont,
                        contDownstream,
                        contUpstream,
                        contBadType,
                        cont010,
                        close,
                        closeUpstream,
                        local,
                        oddLocal,
                        badPointer))
                .extracting(Probe.Step::status)
                .containsExactly(
                        Status.OK,
                        Status.OK,
                        Status.UNIMPLEMENTED,
                        Status.BAD_ARGUMENT,
                        Status.OK,
                        Status.OK,
                        Status.OK,
                        Status.OK,
                        Status.OK,
                        Status.INVALID_MEMORY_ACCESS);
    }

    @Test
    void sendLocalResponseChecksEveryPointer() {
        RecordingControl control = new RecordingControl();
        HttpContext http = p.vm.createRootContext(Probe.plugin("probe")).newHttpContext(control, new StreamInfo());
        Probe.Step badDetails = p.call(PROXY_SEND_LOCAL_RESPONSE, 403, 0x00400000, 4, p.str(""), p.str(""), -1);
        Probe.Step badBody = p.call(PROXY_SEND_LOCAL_RESPONSE, 403, p.str(""), 0xFFFFFFF0, 32, p.str(""), -1);
        Probe.Step badHeaders = p.call(PROXY_SEND_LOCAL_RESPONSE, 403, p.str(""), p.str(""), 0x00400000, 8, -1);
        p.on(REQUEST_HEADERS, badDetails, badBody, badHeaders);
        http.onRequestHeaders(HeaderMap.of(":path", "/"), true);
        assertThat(List.of(badDetails, badBody, badHeaders))
                .extracting(Probe.Step::status)
                .containsOnly(Status.INVALID_MEMORY_ACCESS);
        assertThat(http.localResponse()).isEmpty();
        assertThat(control.actions).isEmpty();
    }

    @Test
    void callForeignFunctionChecksEveryPointer() {
        List<String> calls = new ArrayList<>();
        p.env.registerForeignFunction("f", (args, caller) -> {
            calls.add("called");
            return new byte[] {1};
        });
        Probe.Step badName = p.call(PROXY_CALL_FOREIGN_FUNCTION, 0x00400000, 1, p.str("x"), p.outBytes());
        Probe.Step badArgs = p.call(PROXY_CALL_FOREIGN_FUNCTION, p.str("f"), 0x00400000, 1, p.outBytes());
        Probe.Step badOut = p.call(PROXY_CALL_FOREIGN_FUNCTION, p.str("f"), p.str("x"), 0x00400000, 0x00400004);
        p.on(CONFIGURE, badName, badArgs, badOut);
        p.vm.createRootContext(Probe.plugin("probe"));
        assertThat(List.of(badName, badArgs, badOut))
                .extracting(Probe.Step::status)
                .containsOnly(Status.INVALID_MEMORY_ACCESS);
        assertThat(calls).containsExactly("called"); // a bad result pointer is found only after the call
    }

    /** Calls host functions from _initialize, where no context exists yet, and stores each status. */
    private static final String NO_CONTEXT_WAT = """
            (module
              (import "env" "proxy_log" (func $log (param i32 i32 i32) (result i32)))
              (import "env" "proxy_get_property" (func $get_property (param i32 i32 i32 i32) (result i32)))
              (import "env" "proxy_set_tick_period_milliseconds" (func $tick (param i32) (result i32)))
              (import "env" "proxy_get_buffer_bytes" (func $buffer (param i32 i32 i32 i32 i32) (result i32)))
              (import "env" "proxy_continue_stream" (func $continue (param i32) (result i32)))
              (import "env" "proxy_get_current_time_nanoseconds" (func $now (param i32) (result i32)))
              (import "env" "proxy_define_metric" (func $metric (param i32 i32 i32 i32) (result i32)))
              (memory (export "memory") 1)
              (data (i32.const 16) "starting")
              (data (i32.const 32) "plugin_root_id")
              (data (i32.const 48) "boot")
              (global $heap (mut i32) (i32.const 1024))
              (func (export "proxy_abi_version_0_2_1"))
              (func (export "proxy_on_memory_allocate") (param $n i32) (result i32) (local $p i32)
                (local.set $p (global.get $heap))
                (global.set $heap (i32.add (global.get $heap) (local.get $n)))
                (local.get $p))
              (func (export "_initialize")
                (i32.store (i32.const 256) (call $log (i32.const 2) (i32.const 16) (i32.const 8)))
                (i32.store (i32.const 260) (call $get_property (i32.const 32) (i32.const 14) (i32.const 512)
                  (i32.const 516)))
                (i32.store (i32.const 264) (call $tick (i32.const 100)))
                (i32.store (i32.const 268) (call $buffer (i32.const 6) (i32.const 0) (i32.const -1) (i32.const 512)
                  (i32.const 516)))
                (i32.store (i32.const 272) (call $continue (i32.const 0)))
                (i32.store (i32.const 276) (call $now (i32.const 520)))
                (i32.store (i32.const 280) (call $metric (i32.const 0) (i32.const 48) (i32.const 4) (i32.const 528))))
              (func (export "proxy_on_context_create") (param i32 i32))
              (func (export "proxy_on_vm_start") (param i32 i32) (result i32) (i32.const 1))
              (func (export "proxy_on_configure") (param i32 i32) (result i32) (i32.const 1)))
            """;

    @Test
    void withoutAContextOnlyContextFreeFunctionsWork() {
        Probe q = Probe.create(
                WatFixtures.module(NO_CONTEXT_WAT, ProxyWasmModule.Engine.COMPILER),
                Probe.plugin("probe"),
                new HostEnvironment(),
                new WasmVm.Options());
        List<Status> statuses = new ArrayList<>();
        for (int at = 256; at <= 280; at += 4) {
            statuses.add(Status.of(q.memory().readU32AsInt(at)));
        }
        // log, get_property, set_tick_period, get_buffer_bytes, continue_stream, current time, define_metric
        assertThat(statuses)
                .containsExactly(
                        Status.OK,
                        Status.NOT_FOUND,
                        Status.NOT_FOUND,
                        Status.NOT_FOUND,
                        Status.NOT_FOUND,
                        Status.OK,
                        Status.OK);
        assertThat(q.messages(LogLevel.INFO)).containsExactly("starting");
        assertThat(q.env.metrics().find("boot")).isPresent();
        assertThat(q.vm.failed()).isFalse();
    }

    @Test
    void abi010GetConfigurationInAStreamContextIsTheVmConfiguration() {
        PluginConfig vmConfig =
                Probe.plugin("probe").toBuilder().vmConfiguration("vm-010").build();
        p = Probe.create(
                ProxyWasmModule.Engine.COMPILER,
                AbiVersion.V0_1_0,
                vmConfig,
                new HostEnvironment(),
                new WasmVm.Options());
        HttpContext http = p.vm.createRootContext(
                        vmConfig.toBuilder().pluginConfiguration("plugin-010").build())
                .newHttpContext();
        Probe.OutBytes config = p.outBytes();
        Probe.Step get = p.call(PROXY_GET_CONFIGURATION, config);
        Probe.Step badOut = p.call(PROXY_GET_CONFIGURATION, 0x00400000, 0x00400004);
        p.on(REQUEST_HEADERS, get, badOut);
        http.onRequestHeaders(HeaderMap.of(":path", "/"), true);
        assertThat(get.status()).isEqualTo(Status.OK);
        assertThat(config.string()).isEqualTo("vm-010"); // as Envoy: the plugin configuration only in on_configure
        assertThat(badOut.status()).isEqualTo(Status.INVALID_MEMORY_ACCESS);
    }

    @Test
    void sendLocalResponseOncePerStream() {
        RecordingControl control = new RecordingControl();
        HttpContext http = p.vm.createRootContext(Probe.plugin("probe")).newHttpContext(control, new StreamInfo());
        Probe.Step send = p.call(
                PROXY_SEND_LOCAL_RESPONSE,
                429,
                p.str("slow down"),
                p.str("too many"),
                p.bytes(HeaderPairs.encode(HeaderMap.of("retry-after", "1"))),
                8);
        Probe.Step again = p.call(PROXY_SEND_LOCAL_RESPONSE, 500, p.str(""), p.str(""), p.str(""), -1);
        Probe.Step badStatus = p.call(PROXY_SEND_LOCAL_RESPONSE, 42, p.str(""), p.str(""), p.str(""), -1);
        Probe.Step badHeaders =
                p.call(PROXY_SEND_LOCAL_RESPONSE, 400, p.str(""), p.str(""), p.bytes(new byte[] {9, 0, 0, 0, 0}), -1);
        Probe.Step injected = p.call(
                PROXY_SEND_LOCAL_RESPONSE,
                400,
                p.str(""),
                p.str(""),
                p.bytes(HeaderPairs.encode(HeaderMap.of("x-a", "1\r\nset-cookie: stolen"))),
                -1);
        Probe.Step emptyName = p.call(
                PROXY_SEND_LOCAL_RESPONSE,
                400,
                p.str(""),
                p.str(""),
                p.bytes(HeaderPairs.encode(HeaderMap.of("", "1"))),
                -1);
        p.on(REQUEST_HEADERS, badStatus, badHeaders, injected, emptyName, send, again);
        http.onRequestHeaders(HeaderMap.of(":path", "/"), true);
        assertThat(send.status()).isEqualTo(Status.OK);
        assertThat(again.status()).isEqualTo(Status.OK); // as Envoy; the first reply stands
        assertThat(List.of(badStatus, badHeaders, injected, emptyName))
                .extracting(Probe.Step::status)
                .containsOnly(Status.BAD_ARGUMENT);
        assertThat(http.localResponse()).hasValueSatisfying(r -> {
            assertThat(r.statusCode()).isEqualTo(429);
            assertThat(r.details()).isEqualTo("slow down");
            assertThat(r.bodyText()).isEqualTo("too many");
            assertThat(r.headers().get("retry-after")).contains("1");
            assertThat(r.grpcStatus()).isEqualTo(8);
        });
        assertThat(control.localResponses).hasSize(1);
    }

    @Test
    void aCallbackThatSentALocalReplyStopsIterationWhateverItReturns() {
        RecordingControl control = new RecordingControl();
        HttpContext http = p.vm.createRootContext(Probe.plugin("probe")).newHttpContext(control, new StreamInfo());
        Probe.Step reply = p.call(PROXY_SEND_LOCAL_RESPONSE, 403, p.str(""), p.str(""), p.str(""), -1);
        Probe.Step refused = p.call(PROXY_SEND_LOCAL_RESPONSE, 42, p.str(""), p.str(""), p.str(""), -1);
        Probe.OutBytes path = p.outBytes();
        Probe.Step stillReachable =
                p.call(PROXY_GET_HEADER_MAP_VALUE, MapType.HTTP_REQUEST_HEADERS.ordinal(), p.str(":path"), path);
        // Every callback below returns 0 (CONTINUE). As Envoy (stopNextIteration): after a reply that succeeded,
        // the callback stops iteration, so its maps stay in reach.
        p.on(REQUEST_HEADERS, reply);
        assertThat(http.onRequestHeaders(HeaderMap.of(":path", "/p"), false)).isEqualTo(Action.PAUSE);
        p.on(Probe.Cb.REQUEST_BODY, refused, stillReachable);
        assertThat(http.onRequestBody(Body.of("b"), false)).isEqualTo(Action.CONTINUE);
        p.on(Probe.Cb.REQUEST_BODY, reply);
        assertThat(http.onRequestBody(Body.of("c"), false)).isEqualTo(Action.PAUSE);
        p.on(Probe.Cb.REQUEST_TRAILERS, reply);
        assertThat(http.onRequestTrailers(HeaderMap.of("t", "1"))).isEqualTo(Action.PAUSE);
        p.on(Probe.Cb.RESPONSE_HEADERS, reply);
        assertThat(http.onResponseHeaders(HeaderMap.of(":status", "200"), false))
                .isEqualTo(Action.PAUSE);
        p.on(Probe.Cb.RESPONSE_HEADERS);
        assertThat(http.onResponseHeaders(HeaderMap.of(":status", "200"), false))
                .isEqualTo(Action.CONTINUE);
        assertThat(refused.status()).isEqualTo(Status.BAD_ARGUMENT);
        assertThat(stillReachable.status()).isEqualTo(Status.OK);
        assertThat(path.string()).isEqualTo("/p");
        assertThat(control.localResponses).hasSize(1); // later replies are OK and dropped
    }

    @Test
    void foreignFunctionsGetArgumentsAndCallerAndReturnBytes() {
        List<Integer> callers = new ArrayList<>();
        p.env.registerForeignFunction("reverse", (args, caller) -> {
            callers.add(caller.id());
            return new StringBuilder(new String(args, StandardCharsets.UTF_8))
                    .reverse()
                    .toString()
                    .getBytes(StandardCharsets.UTF_8);
        });
        p.env.registerForeignFunction("nothing", (args, caller) -> null);
        Probe.OutBytes out = p.outBytes();
        Probe.OutBytes none = p.outBytes();
        Probe.Step call = p.call(PROXY_CALL_FOREIGN_FUNCTION, p.str("reverse"), p.str("abc"), out);
        Probe.Step empty = p.call(PROXY_CALL_FOREIGN_FUNCTION, p.str("nothing"), p.str(""), none);
        Probe.Step missing = p.call(PROXY_CALL_FOREIGN_FUNCTION, p.str("missing"), p.str("x"), p.outBytes());
        p.on(CONFIGURE, call, empty, missing);
        RootContext root = p.vm.createRootContext(Probe.plugin("probe"));
        assertThat(call.status()).isEqualTo(Status.OK);
        assertThat(out.string()).isEqualTo("cba");
        assertThat(empty.status()).isEqualTo(Status.OK);
        assertThat(none.length()).isZero();
        assertThat(missing.status()).isEqualTo(Status.NOT_FOUND);
        assertThat(callers).containsExactly(root.id());
    }

    @Test
    void statusIsOkAndZeroBeforeAnyCallFinished() {
        Probe.Out code = p.out(4);
        Probe.OutBytes message = p.outBytes();
        Probe.Step status = p.call(PROXY_GET_STATUS, code, message);
        Probe.Step badOut = p.call(PROXY_GET_STATUS, 0x00400000, p.outBytes());
        p.on(CONFIGURE, status, badOut);
        p.memory().writeU32(code.ptr, 77);
        p.vm.createRootContext(Probe.plugin("probe"));
        assertThat(status.status()).isEqualTo(Status.OK);
        assertThat(code.u32()).isZero();
        assertThat(message.length()).isZero();
        assertThat(badOut.status()).isEqualTo(Status.INVALID_MEMORY_ACCESS);
    }

    @Test
    void doneIsNotFoundUnlessOnDoneDeferred() {
        Probe.Step early = p.call(PROXY_DONE);
        p.on(CONFIGURE, early);
        RootContext root = p.vm.createRootContext(Probe.plugin("probe"));
        assertThat(early.status()).isEqualTo(Status.NOT_FOUND);

        p.returns(Probe.Cb.DONE, 0);
        assertThat(root.shutdown()).isFalse();
        assertThat(root.deleted()).isFalse();
        Probe.Step done = p.call(PROXY_DONE);
        p.on(TICK, done);
        root.tick();
        assertThat(done.status()).isEqualTo(Status.OK);
        p.vm.runPending();
        assertThat(root.deleted()).isTrue();
        assertThat(p.callbacks()).endsWith(Probe.Cb.DONE, TICK, Probe.Cb.DELETE);
    }

    @Test
    void abi010NamesWork() {
        p = Probe.create(
                ProxyWasmModule.Engine.COMPILER,
                AbiVersion.V0_1_0,
                Probe.plugin("probe"),
                new HostEnvironment(),
                new WasmVm.Options());
        Probe.OutBytes config = p.outBytes();
        Probe.Step getConfig = p.call(PROXY_GET_CONFIGURATION, config);
        p.on(CONFIGURE, getConfig);
        RecordingControl control = new RecordingControl();
        HttpContext http = p.vm.createRootContext(Probe.plugin("probe").toBuilder()
                        .pluginConfiguration("cfg-010")
                        .build())
                .newHttpContext(control, new StreamInfo());
        Probe.Step req = p.call(PROXY_CONTINUE_REQUEST);
        Probe.Step resp = p.call(PROXY_CONTINUE_RESPONSE);
        Probe.Step clear = p.call(PROXY_CLEAR_ROUTE_CACHE);
        p.on(REQUEST_HEADERS, req, resp, clear);
        http.onRequestHeaders(HeaderMap.of(":path", "/"), true);
        http.onResponseHeaders(HeaderMap.of(":status", "200"), true);
        assertThat(getConfig.status()).isEqualTo(Status.OK);
        assertThat(config.string()).isEqualTo("cfg-010");
        assertThat(List.of(req, resp, clear)).extracting(Probe.Step::status).containsOnly(Status.OK);
        assertThat(control.actions).containsExactly("continue HTTP_REQUEST", "continue HTTP_RESPONSE");
        // 0.1.0 header callbacks have no end_of_stream argument: the probe records -1 for it.
        assertThat(p.events())
                .filteredOn(e -> e.cb() == REQUEST_HEADERS || e.cb() == Probe.Cb.RESPONSE_HEADERS)
                .extracting(e -> e.args().get(2))
                .containsExactly(-1, -1);
    }
}
