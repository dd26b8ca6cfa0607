package dev.wasmesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wasmesh.proxy.config.ProxyConfig;
import dev.wasmesh.proxy.envoy.EnvoyConfigException;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Envoy's {@code direct_response} routes: the router answers with the configured status and body, as a local reply
 * that runs through the filters' response path (the seed filter still adds hello: world).
 */
class DirectResponseTest {
    /** The example configuration with a direct-response route in front of the echo route. */
    private static String yaml() throws Exception {
        return EnvoyConfigTest.exampleYaml()
                .replace(
                        "              - match: { prefix: \"/\" }\n",
                        "              - match: { prefix: \"/static\" }\n"
                                + "                direct_response: { status: 200, body: { inline_string: \"example body\\n\" } }\n"
                                + "              - match: { path: \"/empty\" }\n"
                                + "                direct_response: { status: 204 }\n"
                                + "              - match: { prefix: \"/\" }\n");
    }

    @Test
    void aDirectResponseRouteAnswersThroughTheResponseFilters() throws Exception {
        ProxyConfig c = EnvoyConfigTest.parse(
                        yaml().replace("port_value: 8080", "port_value: 1")) // the echo cluster is never reached here
                .workers(1);
        try (TestProxy p = TestProxy.start(c)) {
            HttpResponse<String> r = p.get("/static/x");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("example body\n");
            assertThat(r.headers().firstValue("content-type")).hasValue("text/plain");
            assertThat(r.headers().firstValue("hello")).hasValue("world");
            HttpResponse<String> empty = p.get("/empty");
            assertThat(empty.statusCode()).isEqualTo(204);
            assertThat(empty.body()).isEmpty();
            // The access log, flushed in the background, names the details.
            assertThat(p.awaitOutput("direct_response", Duration.ofSeconds(10))).isTrue();
        }
    }

    @Test
    void aStatusEnvoyRefusesIsRefused() {
        assertThatThrownBy(() -> EnvoyConfigTest.parse(yaml().replace("status: 204", "status: 99")))
                .isInstanceOf(EnvoyConfigException.class)
                .hasMessageContaining("direct_response.status");
    }
}
