package dev.wasmesh.deploy.oci;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.wasmesh.deploy.DeployException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Registries whose authentication challenge cannot be answered get named, in one line. */
class RegistryChallengeTest {
    private HttpServer server;
    private volatile String challenge;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v2/", exchange -> {
            try (exchange) {
                if (challenge != null) {
                    exchange.getResponseHeaders().add("WWW-Authenticate", challenge);
                }
                exchange.sendResponseHeaders(401, -1);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void pull() {
        ImageReference ref =
                ImageReference.parse("127.0.0.1:" + server.getAddress().getPort() + "/x/y:v1");
        new RegistryClient(RegistryClient.Settings.defaults()
                        .withPlainHttp(true)
                        .withCredentials(CredentialSource.anonymous())
                        .withRetry(new RetryPolicy(1, Duration.ZERO, Duration.ZERO)))
                .getManifest(ref, "v1");
    }

    @Test
    void namesWhatIsWrongWithTheChallenge() {
        String registry = "registry 127.0.0.1:" + server.getAddress().getPort();
        challenge = "Bearer realm=\"ftp://auth.example.test/token\",service=\"x\"";
        assertThatThrownBy(this::pull)
                .isInstanceOf(DeployException.class)
                .hasMessage(registry + " sent an unusable token realm 'ftp://auth.example.test/token?service=x&scope="
                        + "repository%3Ax%2Fy%3Apull'");
        challenge = "Bearer service=\"x\"";
        assertThatThrownBy(this::pull).hasMessage(registry + " sent a Bearer challenge without a realm");
        challenge = "Negotiate";
        assertThatThrownBy(this::pull)
                .hasMessage(registry + " asks for negotiate authentication, which wasmesh does"
                        + " not speak (Basic and Bearer only)");
        challenge = null;
        assertThatThrownBy(this::pull).hasMessage(registry + " answered 401 without an authentication challenge");
    }
}
