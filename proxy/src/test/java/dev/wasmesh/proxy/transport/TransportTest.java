package dev.wasmesh.proxy.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TransportTest {
    @Test
    void ioUringNeedsLinux512ForItsRingsNotToCountAgainstTheMemlockLimit() {
        assertThat(Transport.kernelAtLeast("5.12.0", 5, 12)).isTrue();
        assertThat(Transport.kernelAtLeast("6.1.0-13-amd64", 5, 12)).isTrue();
        assertThat(Transport.kernelAtLeast("6.18.44-fc-v1045", 5, 12)).isTrue();
        assertThat(Transport.kernelAtLeast("5.10.0-28-cloud-amd64", 5, 12)).isFalse();
        assertThat(Transport.kernelAtLeast("4.19.0", 5, 12)).isFalse();
        assertThat(Transport.kernelAtLeast("10.0", 5, 12)).isTrue();
        assertThat(Transport.kernelAtLeast("", 5, 12)).isFalse();
    }
}
