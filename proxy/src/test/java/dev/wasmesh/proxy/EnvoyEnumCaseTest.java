package dev.wasmesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wasmesh.host.FailurePolicy;
import dev.wasmesh.proxy.config.ProxyConfig;
import dev.wasmesh.proxy.envoy.EnvoyConfigException;
import org.junit.jupiter.api.Test;

/** Envoy reads enum values in any case (the Go SDK's examples write codec_type: auto and type: strict_dns). */
class EnvoyEnumCaseTest {
    @Test
    void enumValuesAreReadInAnyCase() throws Exception {
        ProxyConfig c = EnvoyConfigTest.parse(EnvoyConfigTest.exampleYaml()
                .replace("codec_type: AUTO", "codec_type: auto")
                .replace("type: STATIC", "type: strict_dns")
                .replace("lb_policy: ROUND_ROBIN", "lb_policy: round_robin")
                .replace("failure_policy: FAIL_CLOSED", "failure_policy: fail_open"));
        assertThat(c.filters().get(0).plugin().failurePolicy()).isEqualTo(FailurePolicy.FAIL_OPEN);
        assertThat(c.clusters()).containsKey("echo");
    }

    @Test
    void anUnknownValueIsStillRefusedWithItsPath() {
        assertThatThrownBy(() -> EnvoyConfigTest.parse(
                        EnvoyConfigTest.exampleYaml().replace("lb_policy: ROUND_ROBIN", "lb_policy: maglev")))
                .isInstanceOf(EnvoyConfigException.class)
                .hasMessageContaining("lb_policy");
    }
}
