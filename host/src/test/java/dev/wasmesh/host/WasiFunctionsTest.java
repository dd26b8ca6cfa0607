package dev.wasmesh.host;

import static dev.wasmesh.host.Probe.Cb.CONFIGURE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.host.abi.AbiVersion;
import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.host.internal.functions.HostFunctions;
import dev.wasmesh.host.module.ProxyWasmModule;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** WASI preview 1 under both of its module names; results are WASI errno values. */
class WasiFunctionsTest {
    private static final int SUCCESS = 0;
    private static final int BADF = 8;
    private static final int FAULT = 21;
    private static final int INVAL = 28;
    private static final int NOSYS = 52;
    private static final int NOTSUP = 58;
    private static final int SPIPE = 70;

    /** The same function imported as wasi_snapshot_preview1 and as wasi_unstable. */
    enum Module {
        PREVIEW1("WASI_"),
        UNSTABLE("UNSTABLE_");

        final String prefix;

        Module(String prefix) {
            this.prefix = prefix;
        }

        Probe.Op op(String name) {
            return Probe.Op.valueOf(prefix + name);
        }
    }

    private final Probe p = Probe.create(
            ProxyWasmModule.Engine.COMPILER,
            AbiVersion.V0_2_1,
            Probe.plugin("probe").toBuilder().env("A", "1").env("LONGER", "two").build(),
            new HostEnvironment(),
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
        assertThat(List.of(stdout, stderr, badFd, badIovec))
                .extracting(Probe.Step::result)
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
        assertThat(List.of(rt, mono, badClock, rnd, prestat))
                .extracting(Probe.Step::result)
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
                .isInstanceOfSatisfying(
                        WasmFailureException.class,
                        e -> assertThat(e.failure().message()).isEqualTo("proc_exit(0)"));
    }

    @ParameterizedTest
    @EnumSource(ProxyWasmModule.Engine.class)
    void resultsAreWrittenWhereTheGuestAsked(ProxyWasmModule.Engine engine) {
        Probe q = Probe.create(
                engine,
                AbiVersion.V0_2_1,
                Probe.plugin("probe").toBuilder().env("K", "v").build(),
                new HostEnvironment(),
                new WasmVm.Options());
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
        assertThat(steps)
                .extracting(Probe.Step::result)
                .containsExactly(
                        SUCCESS, BADF, SUCCESS, SUCCESS, SUCCESS, SUCCESS, BADF, BADF, SUCCESS, SUCCESS, SUCCESS, 70);
        assertThat(fdstat.bytes(1)[0]).isEqualTo((byte) 2); // character device
        assertThat(q.memory().read(ptrs.u32(), 4)).isEqualTo("K=v\0".getBytes(StandardCharsets.UTF_8));
        assertThat(nevents.u32()).isEqualTo(1);
        assertThat(events.bytes(1)[0]).isEqualTo((byte) 0x55);
    }

    /** One WASI call and the errno it must answer. */
    private record Expect(String function, Probe.Step step, int errno) {}

    private Expect expect(Module m, int errno, String name, Object... args) {
        return new Expect(name.toLowerCase(java.util.Locale.ROOT), p.call(m.op(name), args), errno);
    }

    /** Every WASI function but proc_exit (which ends the callback), at least once, with the errno it answers. */
    private List<Expect> everyFunction(Module m) {
        Probe.Bytes iov = iovecs("x");
        Probe.Bytes path = p.str("file");
        Probe.Bytes subscription = p.bytes(new byte[64]); // one clock subscription
        return List.of(
                expect(m, SUCCESS, "ARGS_SIZES_GET", p.out(4), p.out(4)),
                expect(m, FAULT, "ARGS_SIZES_GET", 0x7FFFFFF0, p.out(4)),
                expect(m, SUCCESS, "ARGS_GET", p.out(4), p.out(4)),
                expect(m, SUCCESS, "ENVIRON_SIZES_GET", p.out(4), p.out(4)),
                expect(m, SUCCESS, "ENVIRON_GET", p.out(8), p.out(32)),
                expect(m, FAULT, "ENVIRON_GET", 0x7FFFFFF0, p.out(32)),
                expect(m, SUCCESS, "CLOCK_RES_GET", 1, p.out(8)),
                expect(m, INVAL, "CLOCK_RES_GET", 4, p.out(8)),
                expect(m, SUCCESS, "CLOCK_TIME_GET", 3, 0, p.out(8)),
                expect(m, INVAL, "CLOCK_TIME_GET", 4, 0, p.out(8)),
                expect(m, SUCCESS, "FD_WRITE", 1, iov.ptr(), 1, p.out(4)),
                expect(m, BADF, "FD_WRITE", 0, iov.ptr(), 1, p.out(4)),
                expect(m, SUCCESS, "FD_READ", 0, iov.ptr(), 1, p.out(4)),
                expect(m, BADF, "FD_READ", 1, iov.ptr(), 1, p.out(4)),
                expect(m, SUCCESS, "FD_CLOSE", 2),
                expect(m, BADF, "FD_CLOSE", 3),
                expect(m, SUCCESS, "FD_FDSTAT_GET", 0, p.out(24)),
                expect(m, BADF, "FD_FDSTAT_GET", 3, p.out(24)),
                expect(m, SUCCESS, "FD_FDSTAT_SET_FLAGS", 1, 0),
                expect(m, BADF, "FD_FDSTAT_SET_FLAGS", 3, 0),
                expect(m, SUCCESS, "FD_FDSTAT_SET_RIGHTS", 1, 0, 0),
                expect(m, BADF, "FD_FDSTAT_SET_RIGHTS", 3, 0, 0),
                expect(m, SUCCESS, "FD_FILESTAT_GET", 2, p.out(64)),
                expect(m, BADF, "FD_FILESTAT_GET", 3, p.out(64)),
                expect(m, BADF, "FD_PRESTAT_GET", 3, p.out(8)),
                expect(m, BADF, "FD_PRESTAT_DIR_NAME", 3, p.out(8), 8),
                expect(m, SPIPE, "FD_SEEK", 1, 0, 0, p.out(8)),
                expect(m, BADF, "FD_SEEK", 3, 0, 0, p.out(8)),
                expect(m, SPIPE, "FD_TELL", 1, p.out(8)),
                expect(m, BADF, "FD_TELL", 3, p.out(8)),
                expect(m, SUCCESS, "FD_SYNC", 1),
                expect(m, BADF, "FD_SYNC", 3),
                expect(m, SUCCESS, "FD_DATASYNC", 2),
                expect(m, BADF, "FD_DATASYNC", 3),
                expect(m, NOTSUP, "FD_ADVISE", 1, 0, 0, 0),
                expect(m, BADF, "FD_ADVISE", 3, 0, 0, 0),
                expect(m, NOTSUP, "FD_ALLOCATE", 1, 0, 0),
                expect(m, BADF, "FD_ALLOCATE", 3, 0, 0),
                expect(m, NOTSUP, "FD_FILESTAT_SET_SIZE", 1, 0),
                expect(m, BADF, "FD_FILESTAT_SET_SIZE", 3, 0),
                expect(m, NOTSUP, "FD_FILESTAT_SET_TIMES", 1, 0, 0, 0),
                expect(m, BADF, "FD_FILESTAT_SET_TIMES", 3, 0, 0, 0),
                expect(m, SPIPE, "FD_PREAD", 0, iov.ptr(), 1, 0, p.out(4)),
                expect(m, BADF, "FD_PREAD", 3, iov.ptr(), 1, 0, p.out(4)),
                expect(m, SPIPE, "FD_PWRITE", 1, iov.ptr(), 1, 0, p.out(4)),
                expect(m, BADF, "FD_PWRITE", 3, iov.ptr(), 1, 0, p.out(4)),
                expect(m, BADF, "FD_READDIR", 3, p.out(8), 8, 0, p.out(4)),
                expect(m, BADF, "FD_RENUMBER", 1, 2),
                expect(m, BADF, "PATH_CREATE_DIRECTORY", 3, path),
                expect(m, BADF, "PATH_FILESTAT_GET", 3, 0, path, p.out(64)),
                expect(m, BADF, "PATH_FILESTAT_SET_TIMES", 3, 0, path, 0, 0, 0),
                expect(m, BADF, "PATH_LINK", 3, 0, path, 3, path),
                expect(m, BADF, "PATH_OPEN", 3, 0, path, 0, 0, 0, 0, p.out(4)),
                expect(m, BADF, "PATH_READLINK", 3, path, p.out(8), 8, p.out(4)),
                expect(m, BADF, "PATH_REMOVE_DIRECTORY", 3, path),
                expect(m, BADF, "PATH_RENAME", 3, path, 3, path),
                expect(m, BADF, "PATH_SYMLINK", path, 3, path),
                expect(m, BADF, "PATH_UNLINK_FILE", 3, path),
                expect(m, SUCCESS, "POLL_ONEOFF", subscription.ptr(), p.out(32), 1, p.out(4)),
                expect(m, INVAL, "POLL_ONEOFF", subscription.ptr(), p.out(32), 0, p.out(4)),
                // a count past the end of memory: the read faults, the host allocates nothing per subscription
                expect(m, FAULT, "POLL_ONEOFF", subscription.ptr(), p.out(32), 0x7FFFFFFF, p.out(4)),
                expect(m, NOSYS, "PROC_RAISE", 15),
                expect(m, SUCCESS, "SCHED_YIELD"),
                expect(m, SUCCESS, "RANDOM_GET", p.out(16), 16),
                expect(m, FAULT, "RANDOM_GET", 0x7FFFFFF0, 32),
                expect(m, SUCCESS, "RANDOM_GET", 0x20000, GuestLimits.RANDOM_GET_MAX_BYTES), // the third page
                // Refused before anything is allocated: these once made the host allocate gigabytes.
                expect(m, INVAL, "RANDOM_GET", p.out(16), GuestLimits.RANDOM_GET_MAX_BYTES + 1),
                expect(m, INVAL, "RANDOM_GET", p.out(16), 0x7FFFFFF0),
                expect(m, INVAL, "RANDOM_GET", p.out(16), 0xFFFFFFFF),
                expect(m, BADF, "SOCK_ACCEPT", 3, 0, p.out(4)),
                expect(m, BADF, "SOCK_RECV", 3, iov.ptr(), 1, 0, p.out(4), p.out(4)),
                expect(m, BADF, "SOCK_SEND", 3, iov.ptr(), 1, 0, p.out(4)),
                expect(m, BADF, "SOCK_SHUTDOWN", 3, 0));
    }

    @ParameterizedTest
    @EnumSource(Module.class)
    void everyFunctionAnswersItsErrno(Module m) {
        List<Expect> expected = everyFunction(m);
        run(expected.stream().map(Expect::step).toArray(Probe.Step[]::new));
        assertThat(expected)
                .allSatisfy(e -> assertThat(e.step().result()).as(e.function()).isEqualTo(e.errno()));
    }

    @Test
    void everyProvidedWasiFunctionIsCalledUnderBothNames() {
        for (Module m : Module.values()) {
            String module = m == Module.PREVIEW1 ? "wasi_snapshot_preview1" : "wasi_unstable";
            Set<String> provided = HostFunctions.create(null, null).stream()
                    .filter(f -> f.module().equals(module))
                    .map(f -> f.name())
                    .collect(Collectors.toCollection(TreeSet::new));
            Set<String> called =
                    everyFunction(m).stream().map(Expect::function).collect(Collectors.toCollection(TreeSet::new));
            called.add("proc_exit"); // see procExitEndsTheCallback
            assertThat(called).as(module).isEqualTo(provided);
        }
    }

    @ParameterizedTest
    @EnumSource(Module.class)
    void readingStdinFindsItAtItsEnd(Module m) {
        Probe.Out read = p.out(4);
        p.memory().writeU32(read.ptr, 99);
        Probe.Step step = p.call(m.op("FD_READ"), 0, iovecs("buffer").ptr(), 1, read);
        run(step);
        assertThat(step.result()).isEqualTo(SUCCESS);
        assertThat(read.u32()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Module.class)
    void filestatHasEachSnapshotsSize(Module m) {
        Probe.Out stat = p.out(64);
        byte[] sentinel = new byte[64];
        Arrays.fill(sentinel, (byte) 0x7F);
        p.memory().write(stat.ptr, sentinel);
        Probe.Step step = p.call(m.op("FD_FILESTAT_GET"), 1, stat);
        run(step);
        assertThat(step.result()).isEqualTo(SUCCESS);
        byte[] written = stat.bytes(64);
        assertThat(written[16]).isEqualTo((byte) 2); // character device
        int size = m == Module.UNSTABLE ? 56 : 64; // snapshot 0's nlink is a u32
        byte[] expected = new byte[64];
        expected[16] = 2;
        Arrays.fill(expected, size, 64, (byte) 0x7F);
        assertThat(written).isEqualTo(expected);
    }

    /** Subscriptions of {@code size} bytes: userdata u64 at 0, the tag u8 at 8. */
    private Probe.Bytes subscriptions(int size, long... userdataAndTag) {
        ByteBuffer b = ByteBuffer.allocate(size * userdataAndTag.length / 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < userdataAndTag.length; i += 2) {
            b.putLong(size * i / 2, userdataAndTag[i]);
            b.put(size * i / 2 + 8, (byte) userdataAndTag[i + 1]);
            if (userdataAndTag[i + 1] == 2) {
                b.putInt(size * i / 2 + 16, 1); // fd_write on stdout
            }
        }
        return p.bytes(b.array());
    }

    @ParameterizedTest
    @EnumSource(Module.class)
    void pollOneoffReadsEachSnapshotsSubscriptionLayout(Module m) {
        // wasi_unstable's subscription_clock starts with a u64 identifier: 56-byte subscriptions, not 48.
        int size = m == Module.UNSTABLE ? 56 : 48;
        Probe.Bytes subs = subscriptions(size, 0x1111, 0, 0x2222, 1, 0x3333, 2);
        Probe.Out events = p.out(96);
        Probe.Out count = p.out(4);
        Probe.Step poll = p.call(m.op("POLL_ONEOFF"), subs.ptr(), events, 3, count);
        run(poll);
        assertThat(poll.result()).isEqualTo(SUCCESS);
        assertThat(count.u32()).isEqualTo(3);
        ByteBuffer e = ByteBuffer.wrap(events.bytes(96)).order(ByteOrder.LITTLE_ENDIAN);
        List<String> got = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            got.add(Long.toHexString(e.getLong(32 * i)) + " errno " + e.getShort(32 * i + 8) + " type "
                    + e.get(32 * i + 10));
        }
        assertThat(got).containsExactly("1111 errno 0 type 0", "2222 errno 0 type 1", "3333 errno 0 type 2");
    }

    /** A clock whose time moves only when a guest sleeps on it; it records each sleep's deadline. */
    private static final class SleepClock implements HostClock {
        long realtime = 1_700_000_000_000_000_000L;
        long monotonic = 5_000_000_000L;
        final List<Long> sleeps = new ArrayList<>();

        @Override
        public long realtimeNanos() {
            return realtime;
        }

        @Override
        public long monotonicNanos() {
            return monotonic;
        }

        @Override
        public void sleepUntil(long deadlineNanos) {
            sleeps.add(deadlineNanos - monotonic);
            realtime += deadlineNanos - monotonic;
            monotonic = deadlineNanos;
        }
    }

    /** Clock subscriptions: {userdata, clock id, timeout, flags} each, in the layout of {@code m}. */
    private static byte[] clocks(Module m, long... fields) {
        int size = m == Module.UNSTABLE ? 56 : 48;
        int clock = m == Module.UNSTABLE ? 24 : 16;
        ByteBuffer b = ByteBuffer.allocate(size * fields.length / 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < fields.length; i += 4) {
            int at = size * i / 4;
            b.putLong(at, fields[i]);
            b.putInt(at + clock, (int) fields[i + 1]);
            b.putLong(at + clock + 8, fields[i + 2]);
            b.putShort(at + clock + 24, (short) fields[i + 3]);
        }
        return b.array();
    }

    private static List<String> events(Probe.Out events, int count) {
        ByteBuffer e = ByteBuffer.wrap(events.bytes(32 * count)).order(ByteOrder.LITTLE_ENDIAN);
        List<String> got = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            got.add(Long.toHexString(e.getLong(32 * i)) + " errno " + e.getShort(32 * i + 8) + " type "
                    + e.get(32 * i + 10));
        }
        return got;
    }

    @ParameterizedTest
    @EnumSource(Module.class)
    void pollOneoffSleepsUntilTheEarliestClockSubscriptionAndReportsTheDueOnes(Module m) {
        SleepClock clock = new SleepClock();
        Probe q = Probe.create(
                ProxyWasmModule.Engine.COMPILER,
                AbiVersion.V0_2_1,
                Probe.plugin("probe"),
                new HostEnvironment().clock(clock),
                new WasmVm.Options());
        long ms = 1_000_000L;
        Probe.Out twoEvents = q.out(64);
        Probe.Out twoCount = q.out(4);
        // relative 20 ms and 10 ms: wakes at 10 ms with only the second due
        Probe.Bytes two = q.bytes(clocks(m, 0xA, 1, 20 * ms, 0, 0xB, 1, 10 * ms, 0));
        Probe.Step relative = q.call(m.op("POLL_ONEOFF"), two.ptr(), twoEvents, 2, twoCount);
        Probe.Out absEvents = q.out(32);
        // absolute on the monotonic clock, 3 ms after the 10 ms sleep
        Probe.Bytes abs = q.bytes(clocks(m, 0xC, 1, 5_013_000_000L, 1));
        Probe.Step absolute = q.call(m.op("POLL_ONEOFF"), abs.ptr(), absEvents, 1, q.out(4));
        Probe.Out wallEvents = q.out(32);
        // absolute on the wall clock, 7 ms ahead of it
        Probe.Bytes onWall = q.bytes(clocks(m, 0xD, 0, clock.realtime + 13 * ms + 7 * ms, 1));
        Probe.Step wall = q.call(m.op("POLL_ONEOFF"), onWall.ptr(), wallEvents, 1, q.out(4));
        Probe.Out pastEvents = q.out(64);
        Probe.Out pastCount = q.out(4);
        // one long past its deadline and an unknown clock id: both at once, no sleep
        Probe.Bytes due = q.bytes(clocks(m, 0xE, 1, 1, 1, 0xF, 9, 50 * ms, 0));
        Probe.Step past = q.call(m.op("POLL_ONEOFF"), due.ptr(), pastEvents, 2, pastCount);
        q.on(CONFIGURE, relative, absolute, wall, past);
        q.vm.createRootContext(Probe.plugin("probe"));

        assertThat(List.of(relative, absolute, wall, past))
                .extracting(Probe.Step::result)
                .containsOnly(SUCCESS);
        assertThat(clock.sleeps).containsExactly(10 * ms, 3 * ms, 7 * ms);
        assertThat(twoCount.u32()).isEqualTo(1);
        assertThat(events(twoEvents, 1)).containsExactly("b errno 0 type 0");
        assertThat(events(absEvents, 1)).containsExactly("c errno 0 type 0");
        assertThat(events(wallEvents, 1)).containsExactly("d errno 0 type 0");
        assertThat(pastCount.u32()).isEqualTo(2);
        assertThat(events(pastEvents, 2)).containsExactly("e errno 0 type 0", "f errno 28 type 0");
    }

    @Test
    void pollOneoffAnswersAReadyFdAtOnceWithoutSleeping() {
        SleepClock clock = new SleepClock();
        Probe q = Probe.create(
                ProxyWasmModule.Engine.COMPILER,
                AbiVersion.V0_2_1,
                Probe.plugin("probe"),
                new HostEnvironment().clock(clock),
                new WasmVm.Options());
        byte[] subs = clocks(Module.PREVIEW1, 0x1, 1, 1_000_000_000L, 0, 0x2, 0, 0, 0, 0x3, 0, 0, 0);
        ByteBuffer b = ByteBuffer.wrap(subs).order(ByteOrder.LITTLE_ENDIAN);
        b.put(48 + 8, (byte) 2).putInt(48 + 16, 2); // fd_write on stderr: ready
        b.put(96 + 8, (byte) 1).putInt(96 + 16, 7); // fd_read on fd 7: BADF
        Probe.Out events = q.out(96);
        Probe.Out count = q.out(4);
        Probe.Step poll = q.call(Probe.Op.WASI_POLL_ONEOFF, q.bytes(b.array()).ptr(), events, 3, count);
        q.on(CONFIGURE, poll);
        q.vm.createRootContext(Probe.plugin("probe"));

        assertThat(poll.result()).isEqualTo(SUCCESS);
        assertThat(clock.sleeps).isEmpty();
        assertThat(count.u32()).isEqualTo(2);
        assertThat(events(events, 2)).containsExactly("2 errno 0 type 2", "3 errno 8 type 1");
    }

    @Test
    void pollOneoffSleepsOnTheRealClock() {
        Probe q = Probe.create(
                ProxyWasmModule.Engine.COMPILER,
                AbiVersion.V0_2_1,
                Probe.plugin("probe"),
                new HostEnvironment(),
                new WasmVm.Options());
        Probe.Bytes sub = q.bytes(clocks(Module.PREVIEW1, 0x1, 1, 30_000_000L, 0));
        Probe.Step poll = q.call(Probe.Op.WASI_POLL_ONEOFF, sub.ptr(), q.out(32), 1, q.out(4));
        q.on(CONFIGURE, poll);
        long start = System.nanoTime();
        q.vm.createRootContext(Probe.plugin("probe"));
        assertThat(poll.result()).isEqualTo(SUCCESS);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(30_000_000L);
    }

    @Test
    void theCallbackDeadlineCutsALongSleepShort() {
        Probe q = Probe.create(
                ProxyWasmModule.Engine.COMPILER,
                AbiVersion.V0_2_1,
                Probe.plugin("probe").toBuilder()
                        .callbackDeadline(java.time.Duration.ofMillis(100))
                        .build(),
                new HostEnvironment(),
                new WasmVm.Options());
        Probe.Step poll = q.call(
                Probe.Op.WASI_POLL_ONEOFF,
                q.bytes(clocks(Module.PREVIEW1, 0x1, 1, 600_000_000_000L, 0)).ptr(),
                q.out(32),
                1,
                q.out(4));
        Probe.Step after = q.call(Probe.Op.PROXY_LOG, LogLevel.INFO.ordinal(), q.str("after the sleep"));
        q.on(CONFIGURE, poll, after);
        long start = System.nanoTime();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> q.vm.createRootContext(Probe.plugin("probe")))
                .isInstanceOfSatisfying(
                        WasmFailureException.class,
                        e -> assertThat(e.failure().kind()).isEqualTo(WasmFailure.Kind.DEADLINE));
        assertThat(System.nanoTime() - start).as("a ten-minute sleep").isLessThan(60_000_000_000L);
    }

    @Test
    void emscriptenMemoryGrowthNotificationsAreAccepted() {
        Probe.Step notify = p.call(Probe.Op.EMSCRIPTEN_NOTIFY_MEMORY_GROWTH, 1);
        Probe.Step after = p.call(Probe.Op.PROXY_LOG, LogLevel.INFO.ordinal(), p.str("still running"));
        run(notify, after);
        assertThat(notify.result()).isZero();
        assertThat(after.result()).isZero();
        assertThat(p.messages(LogLevel.INFO)).containsExactly("still running");
        assertThat(p.vm.failed()).isFalse();
    }
}
