package dev.wasmesh.host;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.ChicoryException;
import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.host.internal.BudgetedMemory;
import dev.wasmesh.host.internal.ContextTable;
import dev.wasmesh.host.internal.GuestMemory;
import dev.wasmesh.host.internal.functions.HostFunctions;
import dev.wasmesh.host.internal.functions.ProcExitException;
import dev.wasmesh.host.module.ProxyWasmModule;
import dev.wasmesh.host.stream.Action;
import dev.wasmesh.host.stream.NetworkControl;
import dev.wasmesh.host.stream.StreamControl;
import dev.wasmesh.host.stream.StreamInfo;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;

/**
 * One instance of a proxy-wasm module with its contexts, as Envoy keeps one per worker thread. Not thread-safe:
 * every call must come from the thread that owns the VM; work from other threads (queue notifications, call-out
 * responses) is handed over with {@link #post}.
 */
public final class WasmVm {
    private final ProxyWasmModule module;
    private final HostEnvironment env;
    private final PluginConfig vmConfig;
    private final Executor executor;
    private final TimerListener timerListener;
    private final Instance instance;
    private final GuestMemory memory;
    private final ExportFunction[] callbacks = new ExportFunction[Callback.values().length];
    private final int[] callbackArity = new int[Callback.values().length];
    private final ContextTable contexts = new ContextTable();
    private final Map<String, RootContext> rootsById = new HashMap<>();
    private final Queue<Runnable> pending = new ConcurrentLinkedQueue<>();
    private final StringBuilder stdout = new StringBuilder();
    private final StringBuilder stderr = new StringBuilder();
    final AtomicReference<Thread> runningThread = new AtomicReference<>();
    // Watchdog state: the call number tells one long call from many short ones; watched says it scans this VM
    // (set once, under the VM's monitor).
    int callNumber;
    boolean watched;
    Watchdog.Sighting sighting; // the watchdog's entry for this VM, under the VM's monitor
    volatile boolean deadlineHit;
    private final long callbackDeadlineNanos;
    private volatile long deadlineNanos; // the callback deadline, or the longer start-up one during _initialize

    private int nextContextId = 1;
    // Call-out tokens as Envoy numbers them: each kind counts in steps of 4 from its own low two bits (HTTP call 0,
    // gRPC call 1, gRPC stream 2), so a token alone says which kind it names.
    private final int[] calloutTokens = {0, 1, 2};
    private int depth;
    private Context current;
    private Context effective;
    private boolean localReplySent; // in the running HTTP stream callback: Envoy's stopNextIteration
    private volatile WasmFailure failure;
    private boolean closed;

    // What the callback in progress may read besides its context's own maps and buffers.
    final CallbackData callbackData = new CallbackData();

    /** Options for {@link #create}: where posted work runs and who schedules timers. */
    public static final class Options {
        private Executor executor;
        private TimerListener timerListener = TimerListener.NONE;
        private GuestMemoryBudget memoryBudget = GuestMemoryBudget.PROCESS;

        /** Runs work handed to the VM from other threads; by default it waits in a queue for {@link #runPending}. */
        public Options executor(Executor executor) {
            this.executor = executor;
            return this;
        }

        public Options timerListener(TimerListener listener) {
            this.timerListener = Objects.requireNonNull(listener);
            return this;
        }

        /** The budget the VM's linear memory is reserved from; by default the process's. */
        public Options memoryBudget(GuestMemoryBudget budget) {
            this.memoryBudget = Objects.requireNonNull(budget);
            return this;
        }
    }

    private WasmVm(ProxyWasmModule module, HostEnvironment env, PluginConfig vmConfig, Options options) {
        this.module = module;
        this.env = env;
        this.vmConfig = vmConfig;
        this.executor = options.executor;
        this.timerListener = options.timerListener;
        this.callbackDeadlineNanos = vmConfig.callbackDeadline().toNanos();
        this.deadlineNanos = callbackDeadlineNanos;
        try {
            this.instance = module.instantiate(
                    HostFunctions.create(this, module.functionImports()),
                    vmConfig.memoryLimitPages(),
                    options.memoryBudget);
        } catch (ChicoryException | StackOverflowError | IllegalArgumentException e) {
            throw new WasmFailureException(
                    new WasmFailure(WasmFailure.Kind.INSTANTIATION, "instantiate", WasmFailure.oneLine(e), List.of()));
        }
        this.memory = new GuestMemory(instance.memory(), instance.export(module.allocator()));
        Callback.bind(module, instance, callbacks, callbackArity);
    }

    /**
     * Instantiates {@code module} and runs its start-up as Envoy does: the start section, then {@code _initialize}
     * if exported, else {@code _start}. VM-wide settings (vm_id, VM configuration, environment, memory limit,
     * deadline) come from {@code vmConfig}.
     *
     * @throws WasmFailureException if the module cannot be instantiated or its start-up traps
     */
    public static WasmVm create(ProxyWasmModule module, HostEnvironment env, PluginConfig vmConfig, Options options) {
        WasmVm vm = new WasmVm(module, env, vmConfig, options);
        try {
            vm.initialize();
        } catch (WasmFailureException e) {
            vm.close();
            throw e;
        }
        return vm;
    }

    public static WasmVm create(ProxyWasmModule module, HostEnvironment env, PluginConfig vmConfig) {
        return create(module, env, vmConfig, new Options());
    }

    private void initialize() {
        String init = module.exportsFunction("_initialize")
                ? "_initialize"
                : module.exportsFunction("_start") ? "_start" : null;
        if (init != null) {
            // A language runtime's set-up (Go's starts its scheduler and heap) runs once, before the JIT has seen
            // any of it: it gets a longer deadline.
            deadlineNanos = callbackDeadlineNanos > Long.MAX_VALUE / GuestLimits.STARTUP_DEADLINE_FACTOR
                    ? Long.MAX_VALUE
                    : callbackDeadlineNanos * GuestLimits.STARTUP_DEADLINE_FACTOR;
            try {
                invoke(init, instance.export(init), null, new long[0]);
            } catch (WasmFailureException e) {
                if (!(e.getCause() instanceof ProcExitException)
                        || ((ProcExitException) e.getCause()).exitCode() != 0) {
                    throw e;
                }
                failure = null; // a command-style _start that exits 0 has simply finished its set-up
            } finally {
                deadlineNanos = callbackDeadlineNanos;
            }
        }
    }

    /**
     * Creates a plugin's root context: proxy_on_context_create, proxy_on_vm_start, proxy_on_configure.
     *
     * @throws WasmFailureException if any of them fails or returns false
     */
    public RootContext createRootContext(PluginConfig config) {
        failIfFailed();
        RootContext root = new RootContext(this, nextContextId++, config);
        contexts.put(root);
        rootsById.put(config.rootId(), root);
        if (!root.start()) {
            throw new WasmFailureException(failure);
        }
        return root;
    }

    HttpContext newHttpContext(RootContext root, StreamControl control, StreamInfo info) {
        failIfFailed();
        HttpContext ctx = new HttpContext(this, nextContextId++, root, control, info);
        contexts.put(ctx);
        callVoid(Callback.ON_CONTEXT_CREATE, ctx, ctx.id(), root.id());
        return ctx;
    }

    NetworkContext newNetworkContext(RootContext root, NetworkControl control, StreamInfo info) {
        failIfFailed();
        NetworkContext ctx = new NetworkContext(this, nextContextId++, root, control, info);
        contexts.put(ctx);
        callVoid(Callback.ON_CONTEXT_CREATE, ctx, ctx.id(), root.id());
        return ctx;
    }

    void forget(Context ctx) {
        contexts.remove(ctx.id());
        if (ctx instanceof RootContext) {
            rootsById.remove(((RootContext) ctx).config().rootId(), ctx);
        }
    }

    public ProxyWasmModule module() {
        return module;
    }

    public HostEnvironment env() {
        return env;
    }

    public PluginConfig vmConfig() {
        return vmConfig;
    }

    public GuestMemory memory() {
        return memory;
    }

    /** Bytes of linear memory the guest has now. */
    public long guestMemoryBytes() {
        return instance.memory() == null ? 0 : (long) instance.memory().pages() * GuestLimits.PAGE_BYTES;
    }

    /**
     * Ends the VM: its memory goes back to the guest budget and the watchdog forgets it at once, instead of when the
     * collector finds it unreachable. The VM fails every later call. Idempotent.
     */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (failure == null) {
            failure = new WasmFailure(WasmFailure.Kind.CLOSED, "close", "the VM was closed", List.of());
        }
        Watchdog.forget(this);
        if (instance.memory() instanceof BudgetedMemory) {
            ((BudgetedMemory) instance.memory()).release();
        }
    }

    TimerListener timerListener() {
        return timerListener;
    }

    public Collection<RootContext> rootContexts() {
        return List.copyOf(rootsById.values());
    }

    public int liveContexts() {
        return contexts.size();
    }

    /** The context host functions act on: the callback's own, or the one chosen with proxy_set_effective_context. */
    public Context effectiveContext() {
        return effective;
    }

    /** proxy_set_effective_context; false if no such context. */
    public boolean setEffectiveContext(int contextId) {
        Context c = contexts.get(contextId);
        if (c == null) {
            return false;
        }
        effective = c;
        return true;
    }

    /** @param kind one of the call-out kinds of {@code CalloutFunctions}: HTTP_CALL, GRPC_CALL, GRPC_STREAM */
    int nextCalloutToken(int kind) {
        return calloutTokens[kind] += 4;
    }

    // ---- failure handling -------------------------------------------------------------------------------------

    public boolean failed() {
        return failure != null;
    }

    public WasmFailure failure() {
        return failure;
    }

    private void failIfFailed() {
        WasmFailure f = failure;
        if (f != null) {
            throw new WasmFailureException(f);
        }
    }

    WasmFailureException fail(WasmFailure.Kind kind, String callback, String message) {
        return fail(kind, callback, message, List.of(), null);
    }

    private WasmFailureException fail(
            WasmFailure.Kind kind, String callback, String message, List<String> stack, Throwable cause) {
        if (failure == null) {
            failure = new WasmFailure(kind, callback, message, stack);
            env.logSink().log(LogLevel.CRITICAL, vmConfig, failure.toString());
        }
        WasmFailureException e = new WasmFailureException(failure);
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }

    private List<String> wasmStack(Throwable e) {
        return WasmFailure.wasmStack(e, module::functionName);
    }

    // ---- calling into the guest ------------------------------------------------------------------------------

    long call(Callback cb, Context ctx, long missing, long... args) {
        failIfFailed();
        ExportFunction fn = callbacks[cb.ordinal()];
        if (fn == null) {
            return missing;
        }
        int arity = callbackArity[cb.ordinal()];
        if (arity < args.length) {
            args = java.util.Arrays.copyOf(args, arity); // 0.1.0 header callbacks have no end_of_stream
        }
        return invoke(cb.exportName(), fn, ctx, args);
    }

    void callVoid(Callback cb, Context ctx, long... args) {
        call(cb, ctx, 0, args);
    }

    /** Stream callbacks: a missing export means "continue". */
    long callStream(Callback cb, Context ctx, long... args) {
        return call(cb, ctx, 0, args);
    }

    /**
     * An HTTP stream callback, its result read by {@code action}. As in Envoy (stopNextIteration), a
     * proxy_send_local_response that succeeded during the callback stops iteration whatever the filter returned.
     */
    Action callHttp(Callback cb, Context ctx, LongFunction<Action> action, long... args) {
        localReplySent = false;
        try {
            long raw = callStream(cb, ctx, args);
            return localReplySent ? Action.PAUSE : action.apply(raw);
        } finally {
            localReplySent = false;
        }
    }

    /** proxy_send_local_response answered OK (whichever context it acted on). */
    void localReplySent() {
        localReplySent = true;
    }

    private long invoke(String name, ExportFunction fn, Context ctx, long[] args) {
        Context prevCurrent = current;
        Context prevEffective = effective;
        current = ctx;
        effective = ctx;
        callNumber++; // progress for the watchdog, also between the calls of one guest section
        boolean outermost = enterGuest();
        try {
            long[] result = fn.apply(args);
            return result == null || result.length == 0 ? 0 : result[0];
        } catch (WasmFailureException e) {
            throw e;
        } catch (ChicoryInterruptedException e) {
            throw deadlineHit
                    ? fail(
                            WasmFailure.Kind.DEADLINE,
                            name,
                            "ran longer than " + deadlineNanos / 1_000_000 + " ms and was interrupted",
                            wasmStack(e),
                            e)
                    : fail(WasmFailure.Kind.TRAP, name, "interrupted", wasmStack(e), e);
        } catch (ProcExitException e) {
            throw fail(WasmFailure.Kind.TRAP, name, "proc_exit(" + e.exitCode() + ")", wasmStack(e), e);
        } catch (StackOverflowError e) {
            throw fail(WasmFailure.Kind.TRAP, name, "call stack exhausted", wasmStack(e), e);
        } catch (RuntimeException e) {
            throw fail(WasmFailure.Kind.TRAP, name, WasmFailure.oneLine(e), wasmStack(e), e);
        } finally {
            exitGuest(outermost);
            current = prevCurrent;
            effective = prevEffective;
        }
    }

    /**
     * Opens a guest section: callbacks the host makes one after another (proxy_on_done, _log, _delete) share one
     * watchdog registration, while each callback still gets its own deadline. Returns whether it is the outermost,
     * to hand to {@link #exitGuest}.
     */
    boolean enterGuest() {
        if (depth++ != 0) {
            return false;
        }
        if (deadlineNanos > 0) {
            Watchdog.begin(this);
        }
        return true;
    }

    void exitGuest(boolean outermost) {
        depth--;
        if (outermost) {
            if (deadlineNanos > 0) {
                Watchdog.end(this);
            }
            flushStdio();
        }
    }

    long deadlineNanos() {
        return deadlineNanos;
    }

    // ---- work from other threads -------------------------------------------------------------------------------

    /** Runs {@code task} on the VM's thread: through the executor, or queued for {@link #runPending}. */
    public void post(Runnable task) {
        Runnable guarded = () -> {
            if (failure == null) {
                task.run();
            }
        };
        if (executor != null) {
            executor.execute(guarded);
        } else {
            pending.add(guarded);
        }
    }

    /** Runs queued work (when no executor was given); returns how many tasks ran. */
    public int runPending() {
        int n = 0;
        Runnable r;
        while ((r = pending.poll()) != null) {
            r.run();
            n++;
        }
        return n;
    }

    // ---- logs -------------------------------------------------------------------------------------------------

    /** The level below which logs are dropped: the effective plugin's, else the VM's. */
    public LogLevel logLevel() {
        return pluginOfEffective().logLevel();
    }

    private PluginConfig pluginOfEffective() {
        return effective == null ? vmConfig : effective.plugin();
    }

    public void log(LogLevel level, String message) {
        if (level.compareTo(logLevel()) >= 0) {
            env.logSink().log(level, pluginOfEffective(), message);
        }
    }

    /** WASI stdout is an info log and stderr an error log, a line at a time. */
    public void writeStdio(int fd, byte[] data) {
        StringBuilder sb = fd == 1 ? stdout : stderr;
        sb.append(new String(data, StandardCharsets.UTF_8));
        int nl;
        while ((nl = sb.indexOf("\n")) >= 0) {
            log(fd == 1 ? LogLevel.INFO : LogLevel.ERROR, sb.substring(0, nl));
            sb.delete(0, nl + 1);
        }
    }

    private void flushStdio() {
        if (stdout.length() > 0) {
            log(LogLevel.INFO, stdout.toString());
            stdout.setLength(0);
        }
        if (stderr.length() > 0) {
            log(LogLevel.ERROR, stderr.toString());
            stderr.setLength(0);
        }
    }
}
