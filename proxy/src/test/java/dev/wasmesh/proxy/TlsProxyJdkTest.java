package dev.wasmesh.proxy;

/** {@link TlsProxyTest} with the JDK's TLS. */
class TlsProxyJdkTest extends TlsProxyTest {
    @Override
    String provider() {
        return "jdk";
    }
}
