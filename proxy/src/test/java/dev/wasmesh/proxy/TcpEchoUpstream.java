package dev.wasmesh.proxy;

import dev.wasmesh.proxy.config.Endpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A raw TCP upstream on loopback: echoes every byte as it arrives, and on the client's half-close records what it
 * received, half-closes too and closes. Or, with a greeting, it sends the greeting and half-closes at once, then
 * only reads. Each accepted connection has its own thread.
 */
final class TcpEchoUpstream implements AutoCloseable {
    private final ServerSocket server;
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    private final byte[] greeting;

    /** One accepted connection: what it has received so far, and all it received once the client ended. */
    static final class Connection {
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        final CompletableFuture<String> all = new CompletableFuture<>();

        synchronized String receivedSoFar() {
            return received.toString(StandardCharsets.UTF_8);
        }

        private synchronized void add(byte[] b, int n) {
            received.write(b, 0, n);
        }

        private void add(byte[] b) {
            add(b, b.length);
        }

        String awaitAll() throws Exception {
            return all.get(20, TimeUnit.SECONDS);
        }
    }

    TcpEchoUpstream() throws IOException {
        this(null);
    }

    TcpEchoUpstream(String greeting) throws IOException {
        this.greeting = greeting == null ? null : greeting.getBytes(StandardCharsets.UTF_8);
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptLoop, "tcp-echo-upstream");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    Endpoint address() {
        return new Endpoint("127.0.0.1", server.getLocalPort());
    }

    /** The connection accepted {@code index}-th, waiting (bounded) for it. */
    Connection connection(int index) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (connections.size() <= index && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        return connections.get(index);
    }

    int accepted() {
        return connections.size();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Connection c = new Connection();
                connections.add(c);
                Thread t = new Thread(() -> serve(s, c), "tcp-echo-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket s, Connection c) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            if (greeting != null) {
                out.write(greeting);
                s.shutdownOutput();
                c.add(in.readAllBytes());
                return;
            }
            byte[] buf = new byte[16384];
            int n;
            while ((n = in.read(buf)) >= 0) {
                c.add(buf, n);
                out.write(buf, 0, n);
                out.flush();
            }
            s.shutdownOutput();
        } catch (IOException e) {
            // a reset from the proxy ends the connection too
        } finally {
            c.all.complete(c.receivedSoFar());
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
