package dev.wasmesh.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wasmesh.host.abi.AbiVersion;
import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.host.module.ModuleLoadException;
import dev.wasmesh.host.module.ProxyWasmModule;
import dev.wasmesh.host.shared.Metrics;
import dev.wasmesh.host.stream.Action;
import dev.wasmesh.host.stream.Body;
import dev.wasmesh.host.stream.HeaderMap;
import dev.wasmesh.host.stream.LocalResponse;
import dev.wasmesh.host.stream.StreamInfo;
import dev.wasmesh.testsupport.Examples;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The c-all example filter through the host API, one test per behaviour in examples/README.md. */
class CAllFilterTest {
    private static final ProxyWasmModule COMPILED = load(ProxyWasmModule.Engine.COMPILER);

    private final List<Probe.LogLine> logs = new CopyOnWriteArrayList<>();
    private final List<Long> tickPeriods = new ArrayList<>();
    private final RecordingTransport transport = new RecordingTransport("backend");
    private final HostEnvironment env = new HostEnvironment()
            .transport(transport)
            .logSink((level, plugin, message) -> logs.add(new Probe.LogLine(level, message)))
            .registerForeignFunction(
                    "echo",
                    (args, caller) ->
                            ("echo:" + new String(args, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
    private WasmVm vm;
    private RootContext root;
    private RecordingControl control;

    private static ProxyWasmModule load(ProxyWasmModule.Engine engine) {
        try {
            return ProxyWasmModule.load(Examples.wasm("c-all"), engine);
        } catch (ModuleLoadException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    private static PluginConfig config(String pluginConfiguration) {
        return PluginConfig.builder()
                .name("c-all")
                .rootId("c_all_root")
                .vmId("c-all-vm")
                .vmConfiguration("vm-cfg")
                .pluginConfiguration(pluginConfiguration)
                .logLevel(LogLevel.TRACE)
                .build();
    }

    private void start(ProxyWasmModule module, String pluginConfiguration) {
        vm = WasmVm.create(
                module,
                env,
                config(pluginConfiguration),
                new WasmVm.Options().timerListener((r, ms) -> tickPeriods.add(ms)));
        root = vm.createRootContext(config(pluginConfiguration));
    }

    private void start() {
        start(COMPILED, "cfg");
    }

    private List<String> messages(LogLevel level) {
        return logs.stream()
                .filter(l -> l.level() == level)
                .map(Probe.LogLine::message)
                .toList();
    }

    private HttpContext stream() {
        control = new RecordingControl();
        return root.newHttpContext(control, new StreamInfo());
    }

    private HeaderMap request(String path, String... extra) {
        HeaderMap h = HeaderMap.of(":method", "GET", ":path", path, ":authority", "example.com");
        for (int i = 0; i < extra.length; i += 2) {
            h.add(extra[i], extra[i + 1]);
        }
        return h;
    }

    /** Runs request headers for {@code path}; returns the headers as the filter left them. */
    private HeaderMap send(String path, Action expected, String... extra) {
        HeaderMap h = request(path, extra);
        assertThat(stream().onRequestHeaders(h, true)).isEqualTo(expected);
        return h;
    }

    private long metric(String name) {
        return env.metrics().find(name).orElseThrow().value();
    }

    @ParameterizedTest
    @EnumSource(ProxyWasmModule.Engine.class)
    void startUpWritesStdoutReadsBothConfigurationsAndDefinesItsResources(ProxyWasmModule.Engine engine) {
        start(engine == ProxyWasmModule.Engine.COMPILER ? COMPILED : load(engine), "cfg");
        assertThat(messages(LogLevel.INFO))
                .containsSubsequence("c-all stdout hello", "vm config: vm-cfg", "plugin config: cfg");
        assertThat(env.metrics().all())
                .extracting(Metrics.Metric::name)
                .contains("c_all_requests", "c_all_inflight", "c_all_body_size");
        assertThat(root.tickPeriodMillis()).isEqualTo(1000);
        assertThat(tickPeriods).containsExactly(1000L);
        assertThat(env.queues().resolve("c-all-vm", "c_all_queue")).isPresent();
        HeaderMap h = send("/anything?q=1", Action.CONTINUE);
        assertThat(h.get("x-c-all-path")).contains("/anything?q=1");
        assertThat(h.get("x-c-all-request-path")).contains("/anything?q=1");
        assertThat(h.get("x-c-all-root-id")).contains("c_all_root");
        assertThat(h.contains("x-c-all-error")).isFalse();
    }

    @Test
    void configurationFailIsRejectedWithAStderrLine() {
        assertThatThrownBy(() -> start(COMPILED, "fail"))
                .isInstanceOfSatisfying(
                        WasmFailureException.class,
                        e -> assertThat(e.failure().kind()).isEqualTo(WasmFailure.Kind.CONFIGURE_FAILED));
        assertThat(messages(LogLevel.ERROR)).contains("c-all: plugin configuration rejected");
    }

    @Test
    void localResponse() {
        start();
        HeaderMap h = send("/local", Action.PAUSE);
        LocalResponse r = control.localResponses.get(0);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.details()).isEqualTo("c_all_denied");
        assertThat(r.bodyText()).isEqualTo("denied by c-all");
        assertThat(r.headers().toMap()).containsEntry("x-c-all", "local");
        assertThat(r.grpcStatus()).isEqualTo(-1);
        assertThat(h.toMap().keySet()).noneMatch(k -> k.startsWith("x-c-all"));
    }

    @Test
    void httpCallout() {
        start();
        HttpContext http = stream();
        HeaderMap h = request("/callout");
        assertThat(http.onRequestHeaders(h, true)).isEqualTo(Action.PAUSE);
        HttpCallout call = transport.lastHttp();
        assertThat(call.cluster()).isEqualTo("backend");
        assertThat(call.headers().toMap())
                .containsEntry(":method", "GET")
                .containsEntry(":path", "/callout-target")
                .containsEntry(":authority", "backend");
        assertThat(call.timeout().toMillis()).isEqualTo(5000);
        call.respond(HeaderMap.of(":status", "200"), "from backend".getBytes(StandardCharsets.UTF_8), new HeaderMap());
        vm.runPending();
        assertThat(h.get("x-c-all-callout-status")).contains("200");
        assertThat(h.get("x-c-all-callout-body")).contains("from backend");
        assertThat(control.actions).containsExactly("continue HTTP_REQUEST");
    }

    @Test
    void httpCalloutToAnUnknownClusterReportsTheError() {
        env.transport(new RecordingTransport());
        start();
        HeaderMap h = send("/callout", Action.CONTINUE);
        assertThat(h.get("x-c-all-error")).contains("proxy_http_call 2");
    }

    @Test
    void unaryGrpcSuccess() {
        start();
        HeaderMap h = send("/grpc", Action.PAUSE);
        GrpcCallout call = transport.lastGrpc();
        assertThat(call.service()).isEqualTo("grpc.Service");
        assertThat(call.method()).isEqualTo("Method");
        assertThat(new String(call.message(), StandardCharsets.UTF_8)).isEqualTo("c-all-ping");
        call.respond("pong".getBytes(StandardCharsets.UTF_8));
        vm.runPending();
        assertThat(h.get("x-c-all-grpc")).contains("pong");
        assertThat(h.contains("x-c-all-grpc-status")).isFalse(); // as Envoy: no proxy_on_grpc_close after a success
        assertThat(control.actions).containsExactly("continue HTTP_REQUEST");
    }

    @Test
    void unaryGrpcFailure() {
        start();
        HeaderMap h = send("/grpc", Action.PAUSE);
        transport.lastGrpc().fail(14, "unavailable");
        vm.runPending();
        assertThat(h.get("x-c-all-grpc-status")).contains("14");
        assertThat(h.get("x-c-all-grpc-message")).contains("unavailable");
        assertThat(control.actions).containsExactly("continue HTTP_REQUEST");
    }

    @Test
    void grpcStream() {
        start();
        HeaderMap h = send("/grpc-stream", Action.PAUSE);
        GrpcCallout call = transport.lastGrpc();
        assertThat(call.streaming()).isTrue();
        assertThat(call.method()).isEqualTo("Stream");
        assertThat(call.initialMetadata().toMap()).containsEntry("x-c-all-md", "1");
        assertThat(transport.outbound).containsExactly("send c-all-stream end");
        call.receiveInitialMetadata(HeaderMap.of("a", "1", "b", "2"));
        call.receiveMessage("m1".getBytes(StandardCharsets.UTF_8));
        call.receiveMessage("m2".getBytes(StandardCharsets.UTF_8));
        call.receiveTrailingMetadata(HeaderMap.of("grpc-status", "0"));
        call.close(0, "");
        vm.runPending();
        assertThat(h.get("x-c-all-grpc-status")).contains("0");
        assertThat(h.get("x-c-all-grpc-message")).contains("");
        assertThat(h.get("x-c-all-grpc")).contains("m2");
        assertThat(h.get("x-c-all-grpc-metadata")).contains("2/1");
        assertThat(control.actions).containsExactly("continue HTTP_REQUEST");
    }

    @Test
    void grpcCancelAndClose() {
        start();
        HeaderMap cancelled = send("/grpc-cancel", Action.CONTINUE);
        assertThat(cancelled.get("x-c-all-grpc-cancel")).contains("0");
        assertThat(new String(transport.lastGrpc().message(), StandardCharsets.UTF_8))
                .isEqualTo("c-all-cancelled");
        HeaderMap closed = send("/grpc-close", Action.CONTINUE);
        assertThat(closed.get("x-c-all-grpc-close")).contains("0");
        assertThat(transport.outbound)
                .containsExactly(
                        "cancel " + transport.grpcCalls.get(0).token(),
                        "close " + transport.grpcCalls.get(1).token());
    }

    @Test
    void sharedData() {
        start();
        assertThat(send("/shared", Action.CONTINUE, "x-value", "v-1").get("x-c-all-shared"))
                .contains("v-1");
        assertThat(new String(env.sharedData().get("c_all_key").orElseThrow().value(), StandardCharsets.UTF_8))
                .isEqualTo("v-1");
    }

    @Test
    void queueNotifiesTheRootContext() {
        start();
        HeaderMap h = send("/queue", Action.CONTINUE, "x-value", "job-7");
        assertThat(h.get("x-c-all-queue")).contains("enqueued");
        assertThat(messages(LogLevel.INFO)).doesNotContain("queue: job-7");
        vm.runPending();
        assertThat(messages(LogLevel.INFO)).contains("queue: job-7");
    }

    @Test
    void foreignFunction() {
        start();
        assertThat(send("/foreign", Action.CONTINUE).get("x-c-all-foreign")).contains("echo:ping");
    }

    @Test
    void foreignFunctionMissingReportsNotFound() {
        HostEnvironment bare = new HostEnvironment().logSink((l, p, m) -> {});
        vm = WasmVm.create(COMPILED, bare, config("cfg"));
        root = vm.createRootContext(config("cfg"));
        assertThat(send("/foreign", Action.CONTINUE).get("x-c-all-error")).contains("proxy_call_foreign_function 1");
    }

    @Test
    void metricsCountRequestsAndInflightStreams() {
        start();
        HttpContext first = stream();
        first.onRequestHeaders(request("/"), true);
        HeaderMap h = send("/metric", Action.CONTINUE);
        assertThat(h.get("x-c-all-count")).contains("2");
        assertThat(h.get("x-c-all-inflight")).contains("2");
        first.finish();
        assertThat(metric("c_all_inflight")).isEqualTo(1);
        assertThat(metric("c_all_requests")).isEqualTo(2);
    }

    @Test
    void pairsAndSizeDescribeTheClientHeaders() {
        start();
        HeaderMap original = request("/pairs", "x-a", "1");
        HeaderMap h = send("/pairs", Action.CONTINUE, "x-a", "1");
        assertThat(h.get("x-c-all-header-count")).contains("4");
        assertThat(h.get("x-c-all-header-size")).contains(Long.toString(original.byteSize()));
    }

    @Test
    void setPairsRewritesTheMap() {
        start();
        HeaderMap h = send("/setpairs", Action.CONTINUE, "x-a", "1");
        assertThat(h.get("x-c-all-set-pairs")).contains("yes");
        assertThat(h.get("x-a")).contains("1");
        assertThat(h.get(":authority")).contains("example.com");
    }

    @Test
    void removeHeader() {
        start();
        HeaderMap h = send("/remove", Action.CONTINUE, "x-remove-me", "1", "x-keep", "2");
        assertThat(h.contains("x-remove-me")).isFalse();
        assertThat(h.get("x-keep")).contains("2");
    }

    @Test
    void propertyRoundTripLogLevelAndTime() {
        start();
        assertThat(send("/property", Action.CONTINUE).get("x-c-all-property")).contains("v");
        assertThat(send("/loglevel", Action.CONTINUE).get("x-c-all-log-level")).contains("0");
        assertThat(send("/time", Action.CONTINUE).get("x-c-all-time")).contains("ok");
    }

    @Test
    void closeStream() {
        start();
        send("/close", Action.PAUSE);
        assertThat(control.actions).containsExactly("close HTTP_REQUEST");
    }

    @Test
    void requestBodyIsBufferedThenUpperCased() {
        start();
        HttpContext http = stream();
        http.onRequestHeaders(request("/", "x-buffer", "yes"), false);
        Body body = Body.of("hello ");
        assertThat(http.onRequestBody(body, false)).isEqualTo(Action.PAUSE);
        body.append("world".getBytes(StandardCharsets.UTF_8));
        assertThat(http.onRequestBody(body, true)).isEqualTo(Action.CONTINUE);
        assertThat(body.toString()).isEqualTo("HELLO WORLD");
        assertThat(env.metrics().find("c_all_body_size").orElseThrow().samples())
                .containsExactly(11L);

        HttpContext plain = stream();
        plain.onRequestHeaders(request("/"), false);
        Body untouched = Body.of("abc");
        assertThat(plain.onRequestBody(untouched, false)).isEqualTo(Action.CONTINUE);
        assertThat(untouched.toString()).isEqualTo("abc");
    }

    @Test
    void trailersResponseHeadersAndResponseBody() {
        start();
        HttpContext http = stream();
        http.onRequestHeaders(request("/"), false);
        HeaderMap requestTrailers = HeaderMap.of("a", "1");
        assertThat(http.onRequestTrailers(requestTrailers)).isEqualTo(Action.CONTINUE);
        assertThat(requestTrailers.get("x-c-all-trailer")).contains("seen");

        HeaderMap response = HeaderMap.of(
                ":status",
                "200",
                "x-buffer-response",
                "1",
                "x-powered-by",
                "php",
                "x-c-all-replaced",
                "no",
                "x-c-all-replaced",
                "no2");
        assertThat(http.onResponseHeaders(response, false)).isEqualTo(Action.CONTINUE);
        assertThat(response.get("x-c-all-response")).contains("yes");
        assertThat(response.all("x-c-all-replaced")).containsExactly("yes");
        assertThat(response.contains("x-powered-by")).isFalse();

        Body body = Body.of("payload");
        assertThat(http.onResponseBody(body, false)).isEqualTo(Action.PAUSE);
        assertThat(http.onResponseBody(body, true)).isEqualTo(Action.CONTINUE);
        assertThat(body.toString()).isEqualTo("[c-all]payload");
        HeaderMap responseTrailers = new HeaderMap();
        http.onResponseTrailers(responseTrailers);
        assertThat(responseTrailers.get("x-c-all-trailer")).contains("seen");
    }

    @Test
    void logReadsTheRequestHeadersAgain() {
        start();
        HttpContext http = stream();
        http.onRequestHeaders(request("/logged?x"), true);
        http.finish();
        assertThat(messages(LogLevel.INFO)).contains("log: /logged?x");
        assertThat(http.finished()).isTrue();
        assertThat(metric("c_all_inflight")).isZero();
    }

    @Test
    void ticksCountInSharedDataAcrossVms() {
        start();
        root.tick();
        root.tick();
        WasmVm second = WasmVm.create(COMPILED, env, config("cfg"));
        second.createRootContext(config("cfg")).tick();
        assertThat(messages(LogLevel.INFO)).containsSubsequence("tick 1", "tick 2", "tick 3");
        assertThat(new String(env.sharedData().get("c_all_ticks").orElseThrow().value(), StandardCharsets.UTF_8))
                .isEqualTo("3");
    }

    @Test
    void deferredDoneCompletesOnTheNextTick() {
        start(COMPILED, "defer-done");
        assertThat(root.shutdown()).isFalse();
        assertThat(messages(LogLevel.INFO)).contains("c-all: deferring done");
        root.tick();
        assertThat(messages(LogLevel.INFO)).contains("c-all: calling proxy_done");
        assertThat(root.deleted()).isFalse();
        vm.runPending();
        assertThat(root.deleted()).isTrue();
        assertThat(vm.liveContexts()).isZero();
    }

    @Test
    void shutdownOfANormalRootIsImmediate() {
        start();
        assertThat(root.shutdown()).isTrue();
        assertThat(root.deleted()).isTrue();
        assertThat(tickPeriods).containsExactly(1000L, 0L);
    }

    @Test
    void abiVersionAndExports() {
        assertThat(COMPILED.abiVersion()).isEqualTo(AbiVersion.V0_2_1);
        assertThat(COMPILED.exportsFunction("proxy_on_foreign_function")).isFalse();
        assertThat(COMPILED.exportsFunction("_initialize")).isTrue();
    }
}
