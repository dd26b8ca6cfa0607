package dev.wasmesh.proxy.cli;

import dev.wasmesh.proxy.config.Endpoint;
import dev.wasmesh.proxy.transport.Transport;
import dev.wasmesh.proxy.upstream.EchoServer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wasmesh echo}: the built-in echo upstream on its own. */
@Command(
        name = "echo",
        mixinStandardHelpOptions = true,
        description = "Answer every request with 200 and a JSON document of what was received.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  wasmesh echo                             # on 127.0.0.1:8080",
            "  wasmesh echo --listen 127.0.0.1:9000 &  wasmesh run filter.wasm --upstream http://127.0.0.1:9000",
        })
public final class EchoCommand implements Callable<Integer> {
    @Option(
            names = "--listen",
            paramLabel = "HOST:PORT",
            defaultValue = "127.0.0.1:8080",
            description = "Address to listen on (default ${DEFAULT-VALUE}).")
    String listen;

    private final PrintStream out;
    private final PrintStream err;

    public EchoCommand() {
        this(System.out, System.err);
    }

    public EchoCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws InterruptedException {
        Endpoint ep;
        try {
            ep = Endpoint.parse(listen);
        } catch (IllegalArgumentException e) {
            err.println("wasmesh echo: " + e.getMessage());
            return 2;
        }
        MultiThreadIoEventLoopGroup group = Transport.group(1);
        EchoServer echo;
        try {
            echo = EchoServer.start(ep, group);
        } catch (Exception e) {
            group.shutdownGracefully();
            err.println("wasmesh echo: cannot listen on " + ep + ": " + e.getMessage());
            return 1;
        }
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            echo.close();
                            group.shutdownGracefully();
                        },
                        "wasmesh-echo-shutdown"));
        out.println("wasmesh echo upstream listening on http://" + echo.address());
        out.flush();
        echo.closeFuture();
        return 0;
    }
}
