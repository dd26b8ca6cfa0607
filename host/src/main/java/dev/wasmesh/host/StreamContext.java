package dev.wasmesh.host;

import dev.wasmesh.host.stream.StreamInfo;

/**
 * A context for one stream under a plugin's root context: an HTTP request ({@link HttpContext}) or a TCP connection
 * ({@link NetworkContext}). Both read their properties from a {@link StreamInfo} and end the same way.
 */
public abstract class StreamContext extends Context {
    private final RootContext root;
    private final StreamInfo info;
    private boolean finished;

    StreamContext(WasmVm vm, int id, RootContext root, StreamInfo info) {
        super(vm, id);
        this.root = root;
        this.info = info;
    }

    @Override
    public final RootContext rootContext() {
        return root;
    }

    @Override
    final StreamInfo streamInfo() {
        return info;
    }

    /** The stream facts filters read as properties ({@code source.address}, {@code request.path}, ...). */
    public final StreamInfo info() {
        return info;
    }

    /**
     * Ends the context as Envoy does: proxy_on_done, proxy_on_log, proxy_on_delete in one guest section. Safe to call
     * more than once and after a failure (then nothing reaches the guest); the context is forgotten either way.
     */
    public final void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (!vm().failed()) {
            boolean outermost = vm().enterGuest();
            try {
                vm().call(Callback.ON_DONE, this, 1, id());
                onLog();
                vm().callVoid(Callback.ON_DELETE, this, id());
            } finally {
                vm().exitGuest(outermost);
            }
        }
        vm().forget(this);
    }

    public final boolean finished() {
        return finished;
    }

    /** proxy_on_log, between done and delete. */
    void onLog() {
        vm().callVoid(Callback.ON_LOG, this, id());
    }
}
