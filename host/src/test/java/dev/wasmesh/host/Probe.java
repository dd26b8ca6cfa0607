package dev.wasmesh.host;

import dev.wasmesh.host.abi.AbiVersion;
import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.host.abi.Status;
import dev.wasmesh.host.internal.GuestMemory;
import dev.wasmesh.host.module.ProxyWasmModule;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * Drives the scriptable guest {@code wat/probe.wat}: a test stores, per callback, a list of host calls with raw
 * arguments (strings and out-parameters live in a scratch area of guest memory), runs the callback through the
 * host's public API, then reads each call's status and out-parameters back from guest memory. Every callback the
 * host makes is recorded with its arguments.
 */
final class Probe {
    /** Script operations: the probe's imports in order, then a few ways to misbehave. */
    enum Op {
        PROXY_LOG(1),
        PROXY_GET_LOG_LEVEL(2),
        PROXY_GET_CURRENT_TIME_NANOSECONDS(3),
        PROXY_SET_TICK_PERIOD_MILLISECONDS(4),
        PROXY_SET_EFFECTIVE_CONTEXT(5),
        PROXY_DONE(6),
        PROXY_CONTINUE_STREAM(7),
        PROXY_CLOSE_STREAM(8),
        PROXY_SEND_LOCAL_RESPONSE(9),
        PROXY_CALL_FOREIGN_FUNCTION(10),
        PROXY_GET_STATUS(11),
        PROXY_GET_HEADER_MAP_PAIRS(12),
        PROXY_SET_HEADER_MAP_PAIRS(13),
        PROXY_GET_HEADER_MAP_SIZE(14),
        PROXY_GET_HEADER_MAP_VALUE(15),
        PROXY_ADD_HEADER_MAP_VALUE(16),
        PROXY_REPLACE_HEADER_MAP_VALUE(17),
        PROXY_REMOVE_HEADER_MAP_VALUE(18),
        PROXY_GET_BUFFER_BYTES(19),
        PROXY_GET_BUFFER_STATUS(20),
        PROXY_SET_BUFFER_BYTES(21),
        PROXY_GET_PROPERTY(22),
        PROXY_SET_PROPERTY(23),
        PROXY_GET_SHARED_DATA(24),
        PROXY_SET_SHARED_DATA(25),
        PROXY_REGISTER_SHARED_QUEUE(26),
        PROXY_RESOLVE_SHARED_QUEUE(27),
        PROXY_DEQUEUE_SHARED_QUEUE(28),
        PROXY_ENQUEUE_SHARED_QUEUE(29),
        PROXY_DEFINE_METRIC(30),
        PROXY_INCREMENT_METRIC(31),
        PROXY_RECORD_METRIC(32),
        PROXY_GET_METRIC(33),
        PROXY_HTTP_CALL(34),
        PROXY_GRPC_CALL(35),
        PROXY_GRPC_STREAM(36),
        PROXY_GRPC_SEND(37),
        PROXY_GRPC_CANCEL(38),
        PROXY_GRPC_CLOSE(39),
        PROXY_GET_CONFIGURATION(40),
        PROXY_CONTINUE_REQUEST(41),
        PROXY_CONTINUE_RESPONSE(42),
        PROXY_CLEAR_ROUTE_CACHE(43),
        WASI_FD_WRITE(44),
        WASI_FD_READ(45),
        WASI_FD_CLOSE(46),
        WASI_FD_FDSTAT_GET(47),
        WASI_FD_FDSTAT_SET_FLAGS(48),
        WASI_FD_PRESTAT_GET(49),
        WASI_FD_PRESTAT_DIR_NAME(50),
        WASI_FD_SEEK(51),
        WASI_ENVIRON_SIZES_GET(52),
        WASI_ENVIRON_GET(53),
        WASI_ARGS_SIZES_GET(54),
        WASI_ARGS_GET(55),
        WASI_CLOCK_TIME_GET(56),
        WASI_CLOCK_RES_GET(57),
        WASI_RANDOM_GET(58),
        WASI_POLL_ONEOFF(59),
        WASI_SCHED_YIELD(60),
        WASI_PROC_EXIT(61),
        UNSTABLE_FD_WRITE(62),
        UNSTABLE_FD_PRESTAT_GET(63),
        UNSTABLE_ENVIRON_SIZES_GET(64),
        UNSTABLE_ARGS_SIZES_GET(65),
        UNSTABLE_CLOCK_TIME_GET(66),
        UNSTABLE_RANDOM_GET(67),
        UNSTABLE_PROC_EXIT(68),
        WASI_FD_FDSTAT_SET_RIGHTS(69),
        WASI_FD_FILESTAT_GET(70),
        WASI_FD_TELL(71),
        WASI_FD_SYNC(72),
        WASI_FD_DATASYNC(73),
        WASI_FD_ADVISE(74),
        WASI_FD_ALLOCATE(75),
        WASI_FD_FILESTAT_SET_SIZE(76),
        WASI_FD_FILESTAT_SET_TIMES(77),
        WASI_FD_PREAD(78),
        WASI_FD_PWRITE(79),
        WASI_FD_READDIR(80),
        WASI_FD_RENUMBER(81),
        WASI_PATH_CREATE_DIRECTORY(82),
        WASI_PATH_FILESTAT_GET(83),
        WASI_PATH_FILESTAT_SET_TIMES(84),
        WASI_PATH_LINK(85),
        WASI_PATH_OPEN(86),
        WASI_PATH_READLINK(87),
        WASI_PATH_REMOVE_DIRECTORY(88),
        WASI_PATH_RENAME(89),
        WASI_PATH_SYMLINK(90),
        WASI_PATH_UNLINK_FILE(91),
        WASI_PROC_RAISE(92),
        WASI_SOCK_ACCEPT(93),
        WASI_SOCK_RECV(94),
        WASI_SOCK_SEND(95),
        WASI_SOCK_SHUTDOWN(96),
        UNSTABLE_ARGS_GET(97),
        UNSTABLE_ENVIRON_GET(98),
        UNSTABLE_CLOCK_RES_GET(99),
        UNSTABLE_FD_READ(100),
        UNSTABLE_FD_CLOSE(101),
        UNSTABLE_FD_FDSTAT_GET(102),
        UNSTABLE_FD_FDSTAT_SET_FLAGS(103),
        UNSTABLE_FD_FDSTAT_SET_RIGHTS(104),
        UNSTABLE_FD_FILESTAT_GET(105),
        UNSTABLE_FD_PRESTAT_DIR_NAME(106),
        UNSTABLE_FD_SEEK(107),
        UNSTABLE_FD_TELL(108),
        UNSTABLE_FD_SYNC(109),
        UNSTABLE_FD_DATASYNC(110),
        UNSTABLE_FD_ADVISE(111),
        UNSTABLE_FD_ALLOCATE(112),
        UNSTABLE_FD_FILESTAT_SET_SIZE(113),
        UNSTABLE_FD_FILESTAT_SET_TIMES(114),
        UNSTABLE_FD_PREAD(115),
        UNSTABLE_FD_PWRITE(116),
        UNSTABLE_FD_READDIR(117),
        UNSTABLE_FD_RENUMBER(118),
        UNSTABLE_PATH_CREATE_DIRECTORY(119),
        UNSTABLE_PATH_FILESTAT_GET(120),
        UNSTABLE_PATH_FILESTAT_SET_TIMES(121),
        UNSTABLE_PATH_LINK(122),
        UNSTABLE_PATH_OPEN(123),
        UNSTABLE_PATH_READLINK(124),
        UNSTABLE_PATH_REMOVE_DIRECTORY(125),
        UNSTABLE_PATH_RENAME(126),
        UNSTABLE_PATH_SYMLINK(127),
        UNSTABLE_PATH_UNLINK_FILE(128),
        UNSTABLE_POLL_ONEOFF(129),
        UNSTABLE_PROC_RAISE(130),
        UNSTABLE_SCHED_YIELD(131),
        UNSTABLE_SOCK_ACCEPT(132),
        UNSTABLE_SOCK_RECV(133),
        UNSTABLE_SOCK_SEND(134),
        UNSTABLE_SOCK_SHUTDOWN(135),
        EMSCRIPTEN_NOTIFY_MEMORY_GROWTH(136),
        TRAP(200),
        SPIN(201),
        MEMORY_GROW(202),
        MEMORY_SIZE(203),
        RECURSE(204),
        LOAD_OUT_OF_BOUNDS(205);

        final int code;

        Op(int code) {
            this.code = code;
        }
    }

    /** The probe's callbacks, by the ids its event log uses. */
    enum Cb {
        CONTEXT_CREATE,
        VM_START,
        CONFIGURE,
        TICK,
        FOREIGN_FUNCTION,
        QUEUE_READY,
        REQUEST_HEADERS,
        REQUEST_BODY,
        REQUEST_TRAILERS,
        RESPONSE_HEADERS,
        RESPONSE_BODY,
        RESPONSE_TRAILERS,
        HTTP_CALL_RESPONSE,
        GRPC_RECEIVE_INITIAL_METADATA,
        GRPC_RECEIVE,
        GRPC_RECEIVE_TRAILING_METADATA,
        GRPC_CLOSE,
        DONE,
        LOG,
        DELETE,
        NEW_CONNECTION,
        DOWNSTREAM_DATA,
        UPSTREAM_DATA,
        DOWNSTREAM_CONNECTION_CLOSE,
        UPSTREAM_CONNECTION_CLOSE;

        int id() {
            return ordinal() + 1;
        }
    }

    /** One callback the host made: its id and its first arguments (unused ones are 0; -1 for a missing eos). */
    record Event(Cb cb, List<Integer> args) {
        @Override
        public String toString() {
            return cb + args.toString();
        }
    }

    record LogLine(LogLevel level, String message) {}

    /** Something that stands for one or more raw argument words. */
    interface Arg {
        int[] words();
    }

    /** Guest bytes at a scratch address: expands to (pointer, length). */
    record Bytes(int ptr, int len) implements Arg {
        @Override
        public int[] words() {
            return new int[] {ptr, len};
        }
    }

    /** A pointer out-parameter of {@code size} bytes. */
    final class Out implements Arg {
        final int ptr;

        Out(int size) {
            ptr = scratch(size);
        }

        @Override
        public int[] words() {
            return new int[] {ptr};
        }

        int u32() {
            return memory().readU32AsInt(ptr);
        }

        long u64() {
            return (u32() & 0xFFFFFFFFL) | ((long) memory().readU32AsInt(ptr + 4) << 32);
        }

        byte[] bytes(int len) {
            return memory().read(ptr, len);
        }
    }

    /** The (pointer, length) out-parameters the host fills with data it allocated in the guest. */
    final class OutBytes implements Arg {
        final int ptrPtr = scratch(4);
        final int lenPtr = scratch(4);

        @Override
        public int[] words() {
            return new int[] {ptrPtr, lenPtr};
        }

        int pointer() {
            return memory().readU32AsInt(ptrPtr);
        }

        int length() {
            return memory().readU32AsInt(lenPtr);
        }

        byte[] bytes() {
            return memory().read(pointer(), length());
        }

        String string() {
            return new String(bytes(), StandardCharsets.UTF_8);
        }
    }

    /** One host call in a script; after the callback ran, its result. */
    final class Step {
        final Op op;
        final int[] args;
        int address;

        Step(Op op, int[] args) {
            this.op = op;
            this.args = args;
        }

        int result() {
            if (address == 0) {
                throw new IllegalStateException(op + " is not part of a script");
            }
            return memory().readU32AsInt(address + 52);
        }

        Status status() {
            return Status.of(result());
        }
    }

    static final int SCRATCH_START = 0x4000;
    static final int SCRATCH_END = 0x10000;
    private static final Map<String, ProxyWasmModule> MODULES = new ConcurrentHashMap<>();

    final HostEnvironment env;
    final WasmVm vm;
    final List<LogLine> logs;
    private int scratch = SCRATCH_START;

    private Probe(HostEnvironment env, WasmVm vm, List<LogLine> logs) {
        this.env = env;
        this.vm = vm;
        this.logs = logs;
    }

    /** The probe module for an ABI version, compiled once per engine. */
    static ProxyWasmModule module(ProxyWasmModule.Engine engine, AbiVersion abi) {
        return MODULES.computeIfAbsent(engine + "/" + abi, k -> WatFixtures.module(wat(abi), engine));
    }

    /** The probe's text for an ABI version, for tests that compile a variant of it. */
    static String wat(AbiVersion abi) {
        boolean eos = abi.atLeast(AbiVersion.V0_2_0);
        return WatFixtures.fixture("probe")
                .replace("{{ABI}}", abi.marker())
                .replace("{{EOS_PARAM}}", eos ? "(param i32)" : "")
                .replace("{{EOS_ARG}}", eos ? "(local.get 2)" : "(i32.const -1)");
    }

    static PluginConfig plugin(String rootId) {
        return PluginConfig.builder()
                .name(rootId)
                .rootId(rootId)
                .vmId("probe-vm")
                .logLevel(LogLevel.TRACE)
                .build();
    }

    static Probe create(ProxyWasmModule.Engine engine) {
        return create(engine, AbiVersion.V0_2_1, plugin("probe"), new HostEnvironment(), new WasmVm.Options());
    }

    /** A new VM of the probe; its logs are recorded (and {@code env}'s log sink replaced). */
    static Probe create(
            ProxyWasmModule.Engine engine,
            AbiVersion abi,
            PluginConfig vmConfig,
            HostEnvironment env,
            WasmVm.Options options) {
        return create(module(engine, abi), vmConfig, env, options);
    }

    /** A new VM of a probe variant compiled from {@link #wat}. */
    static Probe create(ProxyWasmModule module, PluginConfig vmConfig, HostEnvironment env, WasmVm.Options options) {
        List<LogLine> logs = new CopyOnWriteArrayList<>();
        env.logSink((level, plugin, message) -> logs.add(new LogLine(level, message)));
        return new Probe(env, WasmVm.create(module, env, vmConfig, options), logs);
    }

    GuestMemory memory() {
        return vm.memory();
    }

    /**
     * Forgets every stored script and the scratch memory handed out, so that one VM serves many scripts (the fuzz
     * test, where a VM per input would be most of the time).
     */
    void reset() {
        for (Cb cb : Cb.values()) {
            memory().writeU32(0x3100 + 4L * cb.id(), 0);
            memory().writeU32(0x3000 + 4L * cb.id(), 0);
        }
        clearEvents();
        scratch = SCRATCH_START;
    }

    /** Scratch memory for the test's data; 8-byte aligned. */
    int scratch(int size) {
        int at = scratch;
        scratch = (scratch + Math.max(size, 1) + 7) & ~7;
        if (scratch > SCRATCH_END) {
            throw new IllegalStateException("probe scratch memory exhausted");
        }
        return at;
    }

    Bytes bytes(byte[] data) {
        int at = scratch(data.length);
        memory().write(at, data);
        return new Bytes(at, data.length);
    }

    Bytes str(String s) {
        return bytes(s.getBytes(StandardCharsets.UTF_8));
    }

    Out out(int size) {
        return new Out(size);
    }

    OutBytes outBytes() {
        return new OutBytes();
    }

    /** A host call; arguments are numbers (taken as 32-bit words) or {@link Arg}s. */
    Step call(Op op, Object... args) {
        List<Integer> words = new ArrayList<>();
        for (Object a : args) {
            if (a instanceof Arg arg) {
                Arrays.stream(arg.words()).forEach(words::add);
            } else if (a instanceof Number n) {
                words.add((int) n.longValue());
            } else {
                throw new IllegalArgumentException("not an argument: " + a);
            }
        }
        if (words.size() > 12) {
            throw new IllegalArgumentException(op + ": at most 12 argument words");
        }
        return new Step(op, words.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Stores the script {@code cb} runs from now on (replacing any earlier one). */
    Probe on(Cb cb, Step... steps) {
        int at = scratch(64 * steps.length + 4);
        for (int i = 0; i < steps.length; i++) {
            int rec = at + 64 * i;
            memory().write(rec, new byte[64]);
            memory().writeU32(rec, steps[i].op.code);
            for (int k = 0; k < steps[i].args.length; k++) {
                memory().writeU32(rec + 4 + 4L * k, steps[i].args[k]);
            }
            memory().writeU32(rec + 52, -2); // not run yet
            steps[i].address = rec;
        }
        memory().writeU32(at + 64L * steps.length, 0);
        memory().writeU32(0x3100 + 4L * cb.id(), at);
        return this;
    }

    Probe returns(Cb cb, int value) {
        memory().writeU32(0x3000 + 4L * cb.id(), value);
        return this;
    }

    List<Event> events() {
        int n = memory().readU32AsInt(0x400);
        List<Event> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int at = 0x410 + 24 * i;
            Cb cb = Cb.values()[memory().readU32AsInt(at) - 1];
            List<Integer> args = new ArrayList<>();
            for (int k = 0; k < 5; k++) {
                args.add(memory().readU32AsInt(at + 4 + 4L * k));
            }
            out.add(new Event(cb, List.copyOf(args)));
        }
        return out;
    }

    List<Cb> callbacks() {
        return events().stream().map(Event::cb).collect(Collectors.toList());
    }

    void clearEvents() {
        memory().writeU32(0x400, 0);
    }

    List<String> messages(LogLevel level) {
        return logs.stream()
                .filter(l -> l.level() == level)
                .map(LogLine::message)
                .collect(Collectors.toList());
    }
}
