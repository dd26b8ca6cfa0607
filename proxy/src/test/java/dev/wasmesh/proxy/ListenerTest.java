package dev.wasmesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.proxy.config.Endpoint;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class ListenerTest {
    /**
     * A port that a closed connection still holds in TIME_WAIT (a restarted proxy's own port, or the local port of
     * another program's outgoing connection) can be listened on at once.
     */
    @Test
    void theListenerBindsAPortHeldInTimeWait() throws Exception {
        int port;
        try (ServerSocket peer = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Socket client = new Socket();
            client.bind(new InetSocketAddress("127.0.0.1", 0));
            port = client.getLocalPort();
            client.connect(peer.getLocalSocketAddress());
            try (Socket accepted = peer.accept()) {
                client.close(); // the side that closes first keeps its port in TIME_WAIT
                assertThat(accepted.getInputStream().read()).isEqualTo(-1);
            }
        }
        try (TestProxy p = TestProxy.start(TestProxy.config("seed").listen(new Endpoint("127.0.0.1", port)))) {
            HttpResponse<String> r = p.get("/");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("hello")).hasValue("world");
        }
    }
}
