package dev.wasmesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.proxy.tls.TlsProvider;
import io.netty.handler.ssl.OpenSsl;
import org.junit.jupiter.api.Test;

/** {@link TlsProxyTest} with BoringSSL (netty-tcnative), which must load on the build's platform. */
class TlsProxyBoringSslTest extends TlsProxyTest {
    @Override
    String provider() {
        return "boringssl";
    }

    @Test
    void boringSslLoads() {
        assertThat(OpenSsl.unavailabilityCause()).isNull();
        assertThat(TlsProvider.describe()).isEqualTo("BoringSSL");
    }
}
