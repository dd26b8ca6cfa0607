package dev.wasmesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.host.FailurePolicy;
import dev.wasmesh.host.PluginConfig;
import dev.wasmesh.proxy.config.FilterConfig;
import dev.wasmesh.proxy.config.ProxyConfig;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every attack of hostile.wat under every failure policy: the attacked request gets the policy's answer, the proxy
 * goes on serving, and the next request gets the policy's answer for a failed (or, where the host refused the
 * attack, a healthy) filter. The callback deadline is short and the VM's memory limit small so that the suite is
 * quick; the budget behind the limit is tested in {@code GuestMemoryOomProcessTest}.
 */
class FaultSuiteTest {
    private static final String FAILS = "tlrgsR";
    private static final String REFUSED = "nph0xX";
    private static final String FAILS_AFTER_REPLY = "L";

    @TempDir
    Path dir;

    static List<Arguments> attacks() {
        List<Arguments> out = new ArrayList<>();
        for (FailurePolicy policy : FailurePolicy.values()) {
            for (char a : (FAILS + REFUSED + FAILS_AFTER_REPLY).toCharArray()) {
                out.add(Arguments.of(policy, String.valueOf(a)));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0} attack {1}")
    @MethodSource("attacks")
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void theAttackFailsOnlyItsOwnRequest(FailurePolicy policy, String attack) throws Exception {
        PluginConfig plugin = PluginConfig.builder()
                .name("hostile")
                .failurePolicy(policy)
                .callbackDeadline(Duration.ofMillis(300))
                .memoryLimitPages(256)
                .build();
        ProxyConfig config = new ProxyConfig()
                .workers(1)
                .addFilter(FilterConfig.at(Fixtures.compile(dir, "hostile").toString(), null, plugin));
        try (TestProxy p = TestProxy.start(config)) {
            assertThat(p.get("/before").statusCode()).isEqualTo(200);

            HttpResponse<String> attacked = p.get("/attack", "x-attack", attack);
            boolean fails = FAILS.contains(attack) || FAILS_AFTER_REPLY.contains(attack);
            boolean failsBeforeReply = FAILS.contains(attack);
            int expected = failsBeforeReply && policy != FailurePolicy.FAIL_OPEN ? 503 : 200;
            assertThat(attacked.statusCode()).as("the attacked request").isEqualTo(expected);

            if (!fails) {
                assertThat(p.get("/after").statusCode()).isEqualTo(200);
                assertThat(p.server.stats().counter("wasm.hostile.vm_failed")).isZero();
                return;
            }
            assertThat(p.awaitOutput("filter hostile failed", Duration.ofSeconds(5)))
                    .isTrue();
            switch (policy) {
                case FAIL_CLOSED:
                    assertThat(p.get("/after").statusCode()).isEqualTo(503);
                    break;
                case FAIL_OPEN:
                    assertThat(p.get("/after").statusCode()).isEqualTo(200);
                    break;
                default:
                    assertThat(p.awaitOutput("filter hostile reloaded", Duration.ofSeconds(10)))
                            .isTrue();
                    assertThat(p.get("/after").statusCode()).isEqualTo(200);
            }
        }
    }
}
