package dev.wasmesh.proxy;

import dev.wasmesh.host.PluginConfig;
import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.proxy.config.Endpoint;
import dev.wasmesh.proxy.config.FilterConfig;
import dev.wasmesh.proxy.config.ModuleSources;
import dev.wasmesh.proxy.config.ProxyConfig;
import dev.wasmesh.proxy.log.ProxyLog;
import dev.wasmesh.testsupport.Examples;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/** A proxy started in-process on loopback ports chosen by the OS, with its output captured. */
final class TestProxy implements AutoCloseable {
    final ProxyServer server;
    final ProxyLog log;
    private final ByteArrayOutputStream out;
    private final ByteArrayOutputStream err;
    final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    private TestProxy(ProxyServer server, ProxyLog log, ByteArrayOutputStream out, ByteArrayOutputStream err) {
        this.server = server;
        this.log = log;
        this.out = out;
        this.err = err;
    }

    /** Starts the proxy with its first listener (and the admin endpoint) moved to free ports. */
    static TestProxy start(ProxyConfig config) throws Exception {
        config.listen(new Endpoint("127.0.0.1", 0));
        if (config.admin() != null) {
            config.admin(new Endpoint("127.0.0.1", 0));
        }
        return startAsConfigured(config);
    }

    /** Starts the proxy on exactly the addresses {@code config} names. */
    static TestProxy startAsConfigured(ProxyConfig config) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ProxyLog log = new ProxyLog(
                config.logLevel(),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new TestProxy(ProxyServer.start(config, new ModuleSources(), log), log, out, err);
    }

    /** A stat of the first listener, as Envoy names it: {@code listener.ADDRESS_PORT.name}. */
    String listenerStat(String name) {
        Endpoint ep = server.listenAddress();
        return "listener." + ep.host() + "_" + ep.port() + "." + name;
    }

    static ProxyConfig config(String... examples) {
        ProxyConfig c = new ProxyConfig().workers(2);
        for (String e : examples) {
            c.addFilter(filter(e, PluginConfig.builder().name(e).rootId(e)));
        }
        return c;
    }

    static FilterConfig filter(String example, PluginConfig.Builder plugin) {
        return FilterConfig.at(
                wasm(example).toString(), null, plugin.logLevel(LogLevel.INFO).build());
    }

    static Path examples() {
        return Examples.root();
    }

    static Path wasm(String example) {
        return Examples.wasm(example);
    }

    URI uri(String path) {
        return URI.create("http://" + server.listenAddress() + path);
    }

    URI admin(String path) {
        return URI.create("http://" + server.adminAddress() + path);
    }

    HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> adminGet(String path) throws Exception {
        return client.send(
                HttpRequest.newBuilder(admin(path))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** An HTTP/2 connection by prior knowledge to the listener, on {@code group}; streams open on it as children. */
    Channel connectHttp2(EventLoopGroup group) throws InterruptedException {
        Endpoint ep = server.listenAddress();
        return new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline()
                                .addLast(
                                        Http2FrameCodecBuilder.forClient().build(),
                                        new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                    }
                })
                .connect(ep.host(), ep.port())
                .sync()
                .channel();
    }

    /** Waits (bounded) until stdout or stderr contains {@code text}. */
    boolean awaitOutput(String text, Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < end) {
            if (stdout().contains(text) || stderr().contains(text)) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    @Override
    public void close() {
        server.close();
    }
}
