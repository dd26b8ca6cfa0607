package dev.wasmesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.testsupport.ProxyProcess;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each {@code wasmesh run} option through the real command in its own process, shown by an effect from outside. */
class RunCommandOptionsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void upstreamSendsRequestsToTheGivenServerInsteadOfTheEcho() throws Exception {
        try (TestUpstream upstream = new TestUpstream("given");
                ProxyProcess p = RunProcess.run(TestProxy.wasm("seed").toString(), "--upstream", upstream.url())) {
            assertThat(p.output()).doesNotContain("built-in echo");
            HttpResponse<String> r = p.get("/via?x=1");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("x-upstream")).hasValue("given");
            assertThat(r.headers().firstValue("hello")).hasValue("world");
            assertThat(r.body()).startsWith("given GET /via?x=1 ");
        }
    }

    @Test
    void rootIdVmIdAndBothConfigurationsReachTheFilter() throws Exception {
        Path vmConfig = Files.writeString(dir.resolve("vm.txt"), "vm settings from a file");
        try (ProxyProcess p = RunProcess.run(
                TestProxy.wasm("c-all").toString(),
                "--root-id",
                "my-root",
                "--vm-id",
                "my-vm",
                "--plugin-config",
                "plugin text",
                "--vm-config",
                "@" + vmConfig)) {
            // c-all logs both configurations as it starts, before the ready line.
            assertThat(p.output())
                    .contains("wasm my-root: vm config: vm settings from a file")
                    .contains("wasm my-root: plugin config: plugin text");
            HttpResponse<String> r = p.get("/x");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"x-c-all-root-id\":\"my-root\""); // the plugin_root_id property
            assertThat(p.adminGet("/config_dump").body())
                    .contains("\"root_id\":\"my-root\"")
                    .contains("\"vm_id\":\"my-vm\"")
                    .contains("\"configuration\":\"plugin text\"");
        }
    }

    @Test
    void pluginConfigurationFromAFileReachesTheFilter() throws Exception {
        Path config = Files.writeString(dir.resolve("plugin.txt"), "from-a-file");
        try (ProxyProcess p = RunProcess.run(
                TestProxy.wasm("as-solo").toString(), "--root-id", "as_solo", "--plugin-config", "@" + config)) {
            HttpResponse<String> r = p.get("/");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("x-as-config")).hasValue("from-a-file");
            // At the default level (info) the SDK's debug lines stay hidden.
            assertThat(p.output())
                    .contains("[info] wasm as_solo: as-solo configured: from-a-file")
                    .doesNotContain("[debug]");
        }
    }

    @Test
    void aMissingConfigurationFileIsAUsageError() throws Exception {
        Path missing = dir.resolve("missing.txt");
        try (ProxyProcess p = RunProcess.start(
                "run",
                TestProxy.wasm("seed").toString(),
                "--plugin-config",
                "@" + missing,
                "--listen",
                "127.0.0.1:0",
                "--admin",
                "127.0.0.1:0")) {
            assertThat(p.awaitExit()).isEqualTo(2);
            assertThat(p.output().strip()).isEqualTo("wasmesh run: --plugin-config: no such file: " + missing);
        }
    }

    @Test
    void callbackDeadlineSetsHowLongACallbackMayRun() throws Exception {
        Path hostile = Fixtures.compile(dir, "hostile");
        try (ProxyProcess p = RunProcess.run(hostile.toString(), "--callback-deadline", "150ms")) {
            assertThat(p.get("/loop", "x-attack", "l").statusCode()).isEqualTo(503);
            assertThat(p.awaitOutput("ran longer than 150 ms", Duration.ofSeconds(5)))
                    .as(p.output())
                    .isTrue();
        }
        try (ProxyProcess p = RunProcess.start(
                "run",
                hostile.toString(),
                "--callback-deadline",
                "2",
                "--listen",
                "127.0.0.1:0",
                "--admin",
                "127.0.0.1:0")) {
            assertThat(p.awaitExit()).isEqualTo(2);
            assertThat(p.output().strip())
                    .isEqualTo("wasmesh run: --callback-deadline needs a unit (ms, s or m)," + " got '2'");
        }
    }

    @Test
    void logLevelDebugShowsTheFiltersDebugLogs() throws Exception {
        try (ProxyProcess p = RunProcess.run(
                TestProxy.wasm("as-solo").toString(),
                "--root-id",
                "as_solo",
                "--plugin-config",
                "x",
                "--log-level",
                "debug")) {
            assertThat(p.get("/").statusCode()).isEqualTo(200);
            assertThat(p.output()).contains("[debug] wasm as_solo: context id: 1: onConfigure(");
        }
    }

    @Test
    void clusterNamesTheTargetOfAFiltersCallout() throws Exception {
        try (TestUpstream backend = new TestUpstream("backend");
                ProxyProcess p =
                        RunProcess.run(TestProxy.wasm("c-all").toString(), "--cluster", "backend=" + backend.url())) {
            HttpResponse<String> r = p.get("/callout");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body())
                    .contains("\"x-c-all-callout-status\":\"200\"")
                    .contains("\"x-c-all-callout-body\":\"backend-says-hi\"");
        }
    }

    @ParameterizedTest
    @CsvSource({"FAIL_CLOSE, 503", "FAIL_OPEN, 200"})
    void failStrategyDecidesWhatATrappedFilterAnswers(String strategy, int status) throws Exception {
        Path trap = Fixtures.trapFilter(dir, false);
        try (ProxyProcess p = RunProcess.run(trap.toString(), "--fail-strategy", strategy)) {
            assertThat(p.get("/ok").statusCode()).isEqualTo(200);
            assertThat(p.get("/boom", "x-trap", "1").statusCode()).isEqualTo(status);
            assertThat(p.get("/after").statusCode()).isEqualTo(status);
        }
    }

    @Test
    void failReloadRecreatesTheTrappedVm() throws Exception {
        Path trap = Fixtures.trapFilter(dir, false);
        try (ProxyProcess p = RunProcess.run(trap.toString(), "--fail-strategy", "FAIL_RELOAD")) {
            assertThat(p.get("/boom", "x-trap", "1").statusCode()).isEqualTo(503);
            assertThat(p.awaitOutput("filter trap reloaded on worker 0", WAIT)).isTrue();
            assertThat(p.get("/after").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void watchReloadsTheFilterWhenItsFileIsReplaced() throws Exception {
        Path filter = dir.resolve("filter.wasm");
        Files.copy(TestProxy.wasm("seed"), filter);
        try (ProxyProcess p = RunProcess.run(filter.toString(), "--watch")) {
            assertThat(p.get("/").headers().firstValue("x-rust")).isEmpty();
            Path next = dir.resolve("next.tmp");
            Files.copy(TestProxy.wasm("rust"), next);
            Files.move(next, filter, StandardCopyOption.REPLACE_EXISTING);
            assertThat(p.awaitOutput("wasmesh: reloaded " + filter, WAIT)).isTrue();
            assertThat(p.get("/").headers().firstValue("x-rust")).hasValue("yes");
        }
    }

    /** The example bootstrap on free ports, sending to {@code upstreamPort}, its filter path made absolute. */
    private Path envoyYaml(int upstreamPort, String extra) throws Exception {
        String yaml = Files.readString(TestProxy.examples().resolve("envoy.yaml"), StandardCharsets.UTF_8)
                .replace("port_value: 10000", "port_value: 0")
                .replace("port_value: 9901", "port_value: 0")
                .replace("port_value: 8080", "port_value: " + upstreamPort)
                .replace("filename: examples/seed/filter.wasm", "filename: " + TestProxy.wasm("seed"))
                .replace("          codec_type: AUTO\n", "          codec_type: AUTO\n" + extra);
        return Files.writeString(dir.resolve("envoy.yaml"), yaml);
    }

    @Test
    void configRunsAnEnvoyBootstrapsListenerFilterRouteAndCluster() throws Exception {
        try (TestUpstream upstream = new TestUpstream("from-yaml")) {
            try (ProxyProcess p = RunProcess.start(
                    "run", "--config", envoyYaml(upstream.port(), "").toString(), "--workers", "1")) {
                assertThat(p.awaitReady())
                        .contains("filter " + TestProxy.wasm("seed"))
                        .doesNotContain("built-in echo");
                HttpResponse<String> r = p.get("/envoy");
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.headers().firstValue("hello")).hasValue("world");
                assertThat(r.headers().firstValue("x-upstream")).hasValue("from-yaml");
                assertThat(p.adminGet("/ready").body()).isEqualTo("LIVE\n");
            }
        }
    }

    @Test
    void configFieldsThatChangeNothingHereAreNoticedOnStderrAndTheProxyRuns() throws Exception {
        try (TestUpstream upstream = new TestUpstream("noticed")) {
            Path yaml = envoyYaml(upstream.port(), "");
            Files.writeString(
                    yaml, Files.readString(yaml).replace("admin:\n", "admin:\n  access_log_path: /dev/null\n"));
            try (ProxyProcess p = RunProcess.start("run", "--config", yaml.toString(), "--workers", "1")) {
                p.awaitReady();
                assertThat(p.output())
                        .contains("wasmesh run: notice: admin.access_log_path: accepted and not used (wasmesh keeps"
                                + " no admin access log)");
                assertThat(p.get("/noticed").headers().firstValue("x-upstream")).hasValue("noticed");
            }
        }
    }

    @Test
    void configWithAnUnsupportedFieldExitsWith2NamingItsFileLineAndPath() throws Exception {
        Path yaml = envoyYaml(9, "          use_remote_address: true\n");
        try (ProxyProcess p = RunProcess.start("run", "--config", yaml.toString())) {
            assertThat(p.awaitExit()).isEqualTo(2);
            assertThat(p.output().strip())
                    .isEqualTo("wasmesh run: " + yaml + ":18: static_resources.listeners[0].filter_chains[0]"
                            + ".filters[0].typed_config.use_remote_address: field not supported by wasmesh");
        }
    }

    @Test
    void configTakesTheListenAddressFromTheCommandLineButRefusesFilterOptions() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        try (TestUpstream upstream = new TestUpstream("from-yaml")) {
            Path yaml = envoyYaml(upstream.port(), "");
            try (ProxyProcess p = RunProcess.start(
                    "run", "--config", yaml.toString(), "--listen", "127.0.0.1:" + port, "--workers", "1")) {
                assertThat(p.awaitReady()).contains("listening on http://127.0.0.1:" + port);
            }
            try (ProxyProcess p = RunProcess.start("run", "--config", yaml.toString(), "--root-id", "other")) {
                assertThat(p.awaitExit()).isEqualTo(2);
                assertThat(p.output().strip())
                        .isEqualTo("wasmesh run: --root-id configures FILTER; with --config it " + "comes from " + yaml
                                + " (the wasm filter's config and its clusters)");
            }
        }
    }
}
