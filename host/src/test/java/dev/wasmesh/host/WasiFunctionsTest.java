package dev.wasmesh.host;

import static dev.wasmesh.host.Probe.Cb.CONFIGURE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.host.abi.AbiVersion;
import dev.wasmesh.host.abi.LogLevel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** WASI preview 1 under both of its module names; results are WASI errno values. */
class WasiFunctionsTest {
    private static final int SUCCESS = 0;
    private static final int BADF = 8;
    private static final int FAULT = 21;
    private static final int INVAL = 28;

    /** The same function imported as wasi_snapshot_preview1 and as wasi_unstable. */
    enum Module {
        PREVIEW1("WASI_"), UNSTABLE("UNSTABLE_");

        final String prefix;

        Module(String prefix) {
            this.prefix = prefix;
        }

        Probe.Op op(String name) {
            return Probe.Op.valueOf(prefix + name);
        }
    }

    private final Probe p = Probe.create(ProxyWasmModule.Engine.COMPILER, AbiVersion.V0_2_1,
            Probe.plugin("probe").toBuilder().env("A", "1").env("LONGER", "two").build(), new HostEnvironment(),
            new WasmVm.Options());

    private void run(Probe.Step... steps) {
        p.on(CONFIGURE, steps);
        p.vm.createRootContext(Probe.plugin("probe"));
    }

    private Probe.Bytes iovecs(String... parts) {
        byte[] vec = new byte[8 * parts.length];
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(vec).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (String part : parts) {
            Probe.Bytes data = p.str(part);
            b.putInt(data.ptr()).putInt(data.len());
        }
        return p.bytes(vec);
    }

    @ParameterizedTest
    @EnumSource(Module.class)
    void fdWriteLogsStdoutAsInfoAndStderrAsErrorLineByLine(Module m) {
        Probe.Out written = p.out(4);
        Probe.Bytes out = iovecs("first line\nsecond ", "half\n");
        Probe.Step stdout = p.call(m.op("FD_WRITE"), 1, out.ptr(), 2, written);
        Probe.Step stderr = p.call(m.op("FD_WRITE"), 2, iovecs("oops").ptr(), 1, p.out(4));
        Probe.Step badFd = p.call(m.op("FD_WRITE"), 3, out.ptr(), 2, p.out(4));
        Probe.Step badIovec = p.call(m.op("FD_WRITE"), 1, 0x00400000, 1, p.out(4));
        run(stdout, stderr, badFd, badIovec);
        assertThat(List.of(stdout, stderr, badFd, badIovec)).extracting(Probe.Step::result)
                .containsExactly(SUCCESS, SUCCESS, BADF, FAULT);
        assertThat(written.u32()).isEqualTo("first line\nsecond half\n".length());
        assertThat(p.messages(LogLevel.INFO)).containsExactly("first line", "second half");
        assertThat(p.messages(LogLevel.ERROR)).containsExactly("oops"); // flushed when the callback ends
    }

    @ParameterizedTest
    @EnumSource(Module.class)
    void environmentAndNoArguments(Module m) {
        Probe.Out count = p.out(4);
        Probe.Out size = p.out(4);
        Probe.Out argc = p.out(4);
        Probe.Out argSize = p.out(4);
        Probe.Step sizes = p.call(m.op("ENVIRON_SIZES_GET"), count, size);
        Probe.Step args = p.call(m.op("ARGS_SIZES_GET"), argc, argSize);
        run(sizes, args);
        assertThat(List.of(sizes, args)).extracting(Probe.Step::result).containsOnly(SUCCESS);
        assertThat(count.u32()).isEqualTo(2);
        assertThat(size.u32()).isEqualTo("A=1\0LONGER=two\0".length());
        assertThat(argc.u32()).isZero();
        assertThat(argSize.u32()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Module.class)
    void clockRandomAndPrestat(Module m) {
        Probe.Out realtime = p.out(8);
        Probe.Out monotonic = p.out(8);
        Probe.Out random = p.out(32);
        Probe.Step rt = p.call(m.op("CLOCK_TIME_GET"), 0, 1000, realtime);
        Probe.Step mono = p.call(m.op("CLOCK_TIME_GET"), 1, 1000, monotonic);
        Probe.Step badClock = p.call(m.op("CLOCK_TIME_GET"), 9, 1000, p.out(8));
        Probe.Step rnd = p.call(m.op("RANDOM_GET"), random, 32);
        Probe.Step prestat = p.call(m.op("FD_PRESTAT_GET"), 3, p.out(8));
        run(rt, mono, badClock, rnd, prestat);
        assertThat(List.of(rt, mono, badClock, rnd, prestat)).extracting(Probe.Step::result)
                .containsExactly(SUCCESS, SUCCESS, INVAL, SUCCESS, BADF);
        assertThat(realtime.u64()).isGreaterThan(1_577_836_800_000_000_000L);
        assertThat(monotonic.u64()).isNotZero();
        assertThat(random.bytes(32)).isNotEqualTo(new byte[32]);
    }

    @ParameterizedTest
    @EnumSource(Module.class)
    void procExitEndsTheCallback(Module m) {
        p.on(CONFIGURE, p.call(m.op("PROC_EXIT"), 0));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> p.vm.createRootContext(Probe.plugin("probe")))
                .isInstanceOfSatisfying(WasmFailureException.class,
                        e -> assertThat(e.failure().message()).isEqualTo("proc_exit(0)"));
    }

    @ParameterizedTest
    @EnumSource(ProxyWasmModule.Engine.class)
    void thePreview1OnlyFunctions(ProxyWasmModule.Engine engine) {
        Probe q = Probe.create(engine, AbiVersion.V0_2_1,
                Probe.plugin("probe").toBuilder().env("K", "v").build(), new HostEnvironment(), new WasmVm.Options());
        Probe.Out fdstat = q.out(24);
        Probe.Out ptrs = q.out(8);
        Probe.Out buf = q.out(16);
        Probe.Out events = q.out(64);
        Probe.Out nevents = q.out(4);
        // one clock subscription (tag 0) with userdata 0x55
        byte[] sub = new byte[48];
        sub[0] = 0x55;
        Probe.Bytes subscription = q.bytes(sub);
        List<Probe.Step> steps = List.of(
                q.call(Probe.Op.WASI_FD_FDSTAT_GET, 1, fdstat),
                q.call(Probe.Op.WASI_FD_FDSTAT_GET, 7, q.out(24)),
                q.call(Probe.Op.WASI_ENVIRON_GET, ptrs, buf),
                q.call(Probe.Op.WASI_ARGS_GET, q.out(4), q.out(4)),
                q.call(Probe.Op.WASI_POLL_ONEOFF, subscription.ptr(), events, 1, nevents),
                q.call(Probe.Op.WASI_SCHED_YIELD),
                q.call(Probe.Op.WASI_FD_CLOSE, 5),
                q.call(Probe.Op.WASI_FD_PRESTAT_DIR_NAME, 3, q.out(8).ptr, 8),
                q.call(Probe.Op.WASI_FD_READ, 0, q.out(8), 0, q.out(4)),
                q.call(Probe.Op.WASI_CLOCK_RES_GET, 0, q.out(8)),
                q.call(Probe.Op.WASI_FD_FDSTAT_SET_FLAGS, 1, 0),
                q.call(Probe.Op.WASI_FD_SEEK, 1, 0, 0, q.out(8)));
        q.on(CONFIGURE, steps.toArray(Probe.Step[]::new));
        q.vm.createRootContext(Probe.plugin("probe"));
        assertThat(steps).extracting(Probe.Step::result)
                .containsExactly(SUCCESS, BADF, SUCCESS, SUCCESS, SUCCESS, SUCCESS, BADF, BADF, SUCCESS, SUCCESS,
                        SUCCESS, 70);
        assertThat(fdstat.bytes(1)[0]).isEqualTo((byte) 2); // character device
        assertThat(q.memory().read(ptrs.u32(), 4)).isEqualTo("K=v\0".getBytes(StandardCharsets.UTF_8));
        assertThat(nevents.u32()).isEqualTo(1);
        assertThat(events.bytes(1)[0]).isEqualTo((byte) 0x55);
    }
}
