package dev.wasmesh.bench;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import dev.wasmesh.host.module.ProxyWasmModule;
import io.roastedroot.proxywasm.LogHandler;
import io.roastedroot.proxywasm.LogLevel;
import io.roastedroot.proxywasm.PluginFactory;
import io.roastedroot.proxywasm.internal.HttpContext;
import io.roastedroot.proxywasm.internal.HttpRequestAdaptor;
import io.roastedroot.proxywasm.internal.Plugin;
import io.roastedroot.proxywasm.internal.PluginHttpContext;
import io.roastedroot.proxywasm.internal.ProxyMap;
import io.roastedroot.proxywasm.internal.WasmResult;
import java.util.List;

/**
 * The same worker on io.roastedroot:proxy-wasm-java-host 0.0.5, the comparison host: one plugin (VM plus root
 * context) per worker, serving the same request lifecycle.
 */
public final class RoastedrootWorker {
    /** Keeps logs at INFO and above, like wasmesh's default, and discards them as the wasmesh worker does. */
    private static final LogHandler DISCARD_LOGS = new LogHandler() {
        @Override
        public void log(LogLevel level, String message) {}

        @Override
        public LogLevel getLogLevel() {
            return LogLevel.INFO;
        }
    };

    private final Plugin plugin;

    private RoastedrootWorker(PluginFactory factory) {
        try {
            this.plugin = (Plugin) factory.create();
        } catch (Exception e) {
            throw new IllegalStateException("roastedroot host cannot start " + factory.name() + ": " + rootCause(e), e);
        }
    }

    private static String rootCause(Throwable e) {
        Throwable c = e;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.toString();
    }

    /** Parses the module and, for the compiler engine, compiles it once, as wasmesh's module load does. */
    public static PluginFactory compile(ExampleFilter filter, ProxyWasmModule.Engine engine) {
        return compile(filter.directory(), filter.wasm(), engine);
    }

    public static PluginFactory compile(String name, byte[] wasm, ProxyWasmModule.Engine engine) {
        WasmModule module = Parser.parse(wasm);
        PluginFactory.Builder builder =
                PluginFactory.builder(module).withName(name).withLogger(DISCARD_LOGS);
        if (engine == ProxyWasmModule.Engine.COMPILER) {
            builder.withMachineFactory(MachineFactoryCompiler.builder(module).compile());
        }
        return builder.build();
    }

    public static RoastedrootWorker start(PluginFactory factory) {
        return new RoastedrootWorker(factory);
    }

    /** Same lifecycle as {@link WasmeshWorker#serve()}; closing the context runs done, log and delete. */
    public ProxyMap serve() {
        ProxyMap response = ProxyMap.of(SampleExchange.RESPONSE_HEADERS);
        serve(ProxyMap.of(SampleExchange.REQUEST_HEADERS), response);
        return response;
    }

    void serve(ProxyMap request, ProxyMap response) {
        PluginHttpContext http = plugin.createHttpContext(new Exchange(request, response));
        HttpContext context = http.context();
        context.callOnRequestHeaders(true);
        context.callOnResponseHeaders(true);
        context.close();
    }

    /** What the roastedroot host asks the server about one request. */
    private static final class Exchange implements HttpRequestAdaptor {
        private final ProxyMap request;
        private final ProxyMap response;

        Exchange(ProxyMap request, ProxyMap response) {
            this.request = request;
            this.response = response;
        }

        @Override
        public String remoteAddress() {
            return "127.0.0.1";
        }

        @Override
        public int remotePort() {
            return 40000;
        }

        @Override
        public String localAddress() {
            return "127.0.0.1";
        }

        @Override
        public int localPort() {
            return 8080;
        }

        @Override
        public String protocol() {
            return "HTTP/1.1";
        }

        @Override
        public ProxyMap getHttpRequestHeaders() {
            return request;
        }

        @Override
        public ProxyMap getHttpRequestTrailers() {
            return null;
        }

        @Override
        public ProxyMap getHttpResponseHeaders() {
            return response;
        }

        @Override
        public ProxyMap getHttpResponseTrailers() {
            return null;
        }

        @Override
        public ProxyMap getGrpcReceiveInitialMetaData() {
            return null;
        }

        @Override
        public ProxyMap getGrpcReceiveTrailerMetaData() {
            return null;
        }

        @Override
        public byte[] getProperty(PluginHttpContext context, List<String> path) {
            return null;
        }

        @Override
        public WasmResult setProperty(PluginHttpContext context, List<String> path, byte[] value) {
            return WasmResult.UNIMPLEMENTED;
        }
    }
}
