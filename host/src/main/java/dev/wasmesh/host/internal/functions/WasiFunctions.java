package dev.wasmesh.host.internal.functions;

import static com.dylibso.chicory.wasm.types.ValType.I32;
import static com.dylibso.chicory.wasm.types.ValType.I64;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportFunction;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import dev.wasmesh.host.GuestLimits;
import dev.wasmesh.host.HostClock;
import dev.wasmesh.host.WasmVm;
import dev.wasmesh.host.abi.AbiException;
import dev.wasmesh.host.internal.GuestMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The WASI preview 1 functions, as a proxy has them: stdout and stderr become logs, the clock and randomness are
 * real, the environment is the VM's configured one, there are no arguments and no files. Every function of the
 * preview exists, so any WASI import links; file-system and socket calls answer BADF or NOTSUP. Errors here are
 * WASI errno values, not proxy-wasm statuses.
 */
final class WasiFunctions {
    static final int SUCCESS = 0;
    static final int BADF = 8;
    static final int FAULT = 21;
    static final int INVAL = 28;
    static final int NOSYS = 52;
    static final int NOTSUP = 58;
    static final int SPIPE = 70;

    private static final int FILETYPE_CHARACTER_DEVICE = 2;
    private static final byte EVENTTYPE_CLOCK = 0;
    private static final byte EVENTTYPE_FD_READ = 1;
    private static final byte EVENTTYPE_FD_WRITE = 2;
    private static final int SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME = 1;
    private static final int EVENTRWFLAGS_FD_READWRITE_HANGUP = 1;
    private static final long ALL_RIGHTS = 0x1FFFFFFFL;

    private final WasmVm vm;
    private final String module;
    private final Set<String> wanted;
    // wasi_unstable (snapshot 0) lays out two records differently: its subscription_clock starts with a u64
    // identifier (a subscription is 56 bytes, not 48) and its filestat has a u32 nlink (56 bytes, not 64).
    private final int subscriptionSize;
    private final int filestatSize;
    private final int clockOffset;
    private final List<ImportFunction> functions = new ArrayList<>();
    private SecureRandom random;

    /** @param wanted see {@link HostFunctions#create} */
    WasiFunctions(WasmVm vm, String module, Set<String> wanted) {
        this.vm = vm;
        this.module = module;
        this.wanted = wanted;
        boolean snapshot0 = module.equals("wasi_unstable");
        this.subscriptionSize = snapshot0 ? 56 : 48;
        this.filestatSize = snapshot0 ? 56 : 64;
        this.clockOffset = snapshot0 ? 24 : 16; // where a subscription's clock id is
    }

    private boolean wants(String name) {
        return wanted == null || wanted.contains(HostFunctions.key(module, name));
    }

    @FunctionalInterface
    private interface Errno {
        int run(GuestMemory m, long[] a);
    }

    private void add(String name, ValType[] params, Errno impl) {
        if (!wants(name)) {
            return;
        }
        functions.add(new HostFunction(module, name, FunctionType.of(params, new ValType[] {I32}), (inst, args) -> {
            try {
                return new long[] {impl.run(vm.memory(), args)};
            } catch (AbiException e) {
                return new long[] {FAULT}; // a bad pointer from the guest
            }
        }));
    }

    private static ValType[] types(ValType... t) {
        return t;
    }

    private static ValType[] i32s(int n) {
        ValType[] t = new ValType[n];
        java.util.Arrays.fill(t, I32);
        return t;
    }

    private static boolean stdio(long fd) {
        return fd >= 0 && fd <= 2;
    }

    List<ImportFunction> functions() {
        add("args_sizes_get", i32s(2), (m, a) -> {
            m.writeU32(a[0], 0);
            m.writeU32(a[1], 0);
            return SUCCESS;
        });
        add("args_get", i32s(2), (m, a) -> SUCCESS);
        add("environ_sizes_get", i32s(2), (m, a) -> {
            List<byte[]> env = environment();
            m.writeU32(a[0], env.size());
            m.writeU32(a[1], env.stream().mapToInt(e -> e.length).sum());
            return SUCCESS;
        });
        add("environ_get", i32s(2), (m, a) -> {
            long ptrs = a[0];
            long buf = a[1];
            for (byte[] e : environment()) {
                m.writeU32(ptrs, (int) buf);
                m.write(buf, e);
                ptrs += 4;
                buf += e.length;
            }
            return SUCCESS;
        });
        add("clock_res_get", i32s(2), (m, a) -> {
            if (a[0] < 0 || a[0] > 3) {
                return INVAL;
            }
            m.writeU64(a[1], 1_000L);
            return SUCCESS;
        });
        add("clock_time_get", types(I32, I64, I32), (m, a) -> {
            HostClock clock = vm.env().clock();
            switch ((int) a[0]) {
                case 0:
                    m.writeU64(a[2], clock.realtimeNanos());
                    return SUCCESS;
                case 1:
                case 2:
                case 3:
                    m.writeU64(a[2], clock.monotonicNanos());
                    return SUCCESS;
                default:
                    return INVAL;
            }
        });
        add("fd_write", i32s(4), (m, a) -> {
            if (a[0] != 1 && a[0] != 2) {
                return BADF;
            }
            long total = 0;
            for (int i = 0; i < (int) a[2]; i++) {
                long iov = a[1] + 8L * i;
                byte[] data = m.read(m.readU32AsInt(iov), m.readU32AsInt(iov + 4));
                vm.writeStdio((int) a[0], data);
                total += data.length;
            }
            m.writeU32(a[3], (int) total);
            return SUCCESS;
        });
        add("fd_read", i32s(4), (m, a) -> {
            if (a[0] != 0) {
                return BADF;
            }
            m.writeU32(a[3], 0); // stdin is always at its end
            return SUCCESS;
        });
        add("fd_close", i32s(1), (m, a) -> stdio(a[0]) ? SUCCESS : BADF);
        add("fd_fdstat_get", i32s(2), (m, a) -> {
            if (!stdio(a[0])) {
                return BADF;
            }
            m.write(a[1], new byte[24]);
            m.writeByte(a[1], (byte) FILETYPE_CHARACTER_DEVICE);
            m.writeU64(a[1] + 8, ALL_RIGHTS);
            m.writeU64(a[1] + 16, ALL_RIGHTS);
            return SUCCESS;
        });
        add("fd_fdstat_set_flags", i32s(2), (m, a) -> stdio(a[0]) ? SUCCESS : BADF);
        add("fd_fdstat_set_rights", types(I32, I64, I64), (m, a) -> stdio(a[0]) ? SUCCESS : BADF);
        add("fd_filestat_get", i32s(2), (m, a) -> {
            if (!stdio(a[0])) {
                return BADF;
            }
            m.write(a[1], new byte[filestatSize]);
            m.writeByte(a[1] + 16, (byte) FILETYPE_CHARACTER_DEVICE); // the filetype is at 16 in both layouts
            return SUCCESS;
        });
        // No directories are preopened, as in Envoy.
        add("fd_prestat_get", i32s(2), (m, a) -> BADF);
        add("fd_prestat_dir_name", i32s(3), (m, a) -> BADF);
        add("fd_seek", types(I32, I64, I32, I32), (m, a) -> stdio(a[0]) ? SPIPE : BADF);
        add("fd_tell", i32s(2), (m, a) -> stdio(a[0]) ? SPIPE : BADF);
        add("fd_sync", i32s(1), (m, a) -> stdio(a[0]) ? SUCCESS : BADF);
        add("fd_datasync", i32s(1), (m, a) -> stdio(a[0]) ? SUCCESS : BADF);
        add("fd_advise", types(I32, I64, I64, I32), (m, a) -> stdio(a[0]) ? NOTSUP : BADF);
        add("fd_allocate", types(I32, I64, I64), (m, a) -> stdio(a[0]) ? NOTSUP : BADF);
        add("fd_filestat_set_size", types(I32, I64), (m, a) -> stdio(a[0]) ? NOTSUP : BADF);
        add("fd_filestat_set_times", types(I32, I64, I64, I32), (m, a) -> stdio(a[0]) ? NOTSUP : BADF);
        add("fd_pread", types(I32, I32, I32, I64, I32), (m, a) -> stdio(a[0]) ? SPIPE : BADF);
        add("fd_pwrite", types(I32, I32, I32, I64, I32), (m, a) -> stdio(a[0]) ? SPIPE : BADF);
        add("fd_readdir", types(I32, I32, I32, I64, I32), (m, a) -> BADF);
        add("fd_renumber", i32s(2), (m, a) -> BADF);
        add("path_create_directory", i32s(3), (m, a) -> BADF);
        add("path_filestat_get", i32s(5), (m, a) -> BADF);
        add("path_filestat_set_times", types(I32, I32, I32, I32, I64, I64, I32), (m, a) -> BADF);
        add("path_link", i32s(7), (m, a) -> BADF);
        add("path_open", types(I32, I32, I32, I32, I32, I64, I64, I32, I32), (m, a) -> BADF);
        add("path_readlink", i32s(6), (m, a) -> BADF);
        add("path_remove_directory", i32s(3), (m, a) -> BADF);
        add("path_rename", i32s(6), (m, a) -> BADF);
        add("path_symlink", i32s(5), (m, a) -> BADF);
        add("path_unlink_file", i32s(3), (m, a) -> BADF);
        add("poll_oneoff", i32s(4), this::pollOneoff);
        if (wants("proc_exit")) {
            functions.add(
                    new HostFunction(module, "proc_exit", FunctionType.of(List.of(I32), List.of()), (inst, args) -> {
                        throw new ProcExitException((int) args[0]);
                    }));
        }
        add("proc_raise", i32s(1), (m, a) -> NOSYS);
        add("sched_yield", i32s(0), (m, a) -> SUCCESS);
        add("random_get", i32s(2), (m, a) -> {
            long len = a[1] & 0xFFFFFFFFL;
            if (len > GuestLimits.RANDOM_GET_MAX_BYTES) {
                return INVAL; // as cpp-host: the length is checked before anything is allocated
            }
            m.checkRange(a[0], len);
            if (random == null) {
                random = new SecureRandom();
            }
            byte[] bytes = new byte[(int) len];
            random.nextBytes(bytes);
            m.write(a[0], bytes);
            return SUCCESS;
        });
        add("sock_accept", i32s(3), (m, a) -> BADF);
        add("sock_recv", i32s(6), (m, a) -> BADF);
        add("sock_send", i32s(5), (m, a) -> BADF);
        add("sock_shutdown", i32s(2), (m, a) -> BADF);
        return functions;
    }

    private List<byte[]> environment() {
        List<byte[]> out = new ArrayList<>();
        for (Map.Entry<String, String> e : vm.vmConfig().environment().entrySet()) {
            out.add((e.getKey() + "=" + e.getValue() + "\0").getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    /**
     * A blocking poll, as Go's runtime uses it to sleep (time.Sleep, timers, the scheduler's idle wait): waits until
     * the earliest clock subscription is due, unless an fd subscription is ready at once (stdin is at its end,
     * stdout and stderr take writes, other fds answer BADF), then reports every subscription that is ready. The wait
     * is on the VM's clock, so a test clock moves forward instead, and the callback deadline interrupts a long one.
     */
    private int pollOneoff(GuestMemory m, long[] a) {
        int n = (int) a[2];
        if (n <= 0) {
            return INVAL;
        }
        // Two passes over guest memory and no per-subscription arrays: a huge count cannot make the host allocate.
        HostClock clock = vm.env().clock();
        long start = clock.monotonicNanos();
        long wallStart = clock.realtimeNanos();
        long earliest = Long.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            earliest = Math.min(earliest, due(subscription(m, a[0], i), start, wallStart));
        }
        long now = start;
        if (earliest > start) {
            clock.sleepUntil(earliest);
            now = clock.monotonicNanos();
        }
        int events = 0;
        for (int i = 0; i < n; i++) {
            ByteBuffer sub = subscription(m, a[0], i);
            if (due(sub, start, wallStart) > now) {
                continue;
            }
            byte tag = sub.get(8);
            long event = a[1] + 32L * events++;
            m.write(event, new byte[32]);
            m.writeU64(event, sub.getLong(0)); // userdata
            m.writeByte(event + 10, tag);
            if (tag == EVENTTYPE_CLOCK) {
                int id = sub.getInt(clockOffset);
                m.writeU16(event + 8, (short) (id >= 0 && id <= 3 ? SUCCESS : INVAL));
            } else {
                int fd = sub.getInt(16);
                boolean stdin = tag == EVENTTYPE_FD_READ && fd == 0;
                boolean ready = stdin || (tag == EVENTTYPE_FD_WRITE && (fd == 1 || fd == 2));
                boolean known = tag == EVENTTYPE_FD_READ || tag == EVENTTYPE_FD_WRITE;
                m.writeU16(event + 8, (short) (ready ? SUCCESS : known ? BADF : INVAL));
                if (stdin) {
                    m.writeU16(event + 24, (short) EVENTRWFLAGS_FD_READWRITE_HANGUP); // stdin is at its end
                }
            }
        }
        m.writeU32(a[3], events);
        return SUCCESS;
    }

    private ByteBuffer subscription(GuestMemory m, long base, int i) {
        return ByteBuffer.wrap(m.read(base + (long) subscriptionSize * i, subscriptionSize))
                .order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * The monotonic time a subscription is due, for a poll that started at {@code start} (wall clock
     * {@code wallStart}): an fd subscription (answered at once) and a clock of an unknown id (answered with INVAL)
     * are due at the start.
     */
    private long due(ByteBuffer sub, long start, long wallStart) {
        int id = sub.getInt(clockOffset);
        if (sub.get(8) != EVENTTYPE_CLOCK || id < 0 || id > 3) {
            return start;
        }
        long timeout = sub.getLong(clockOffset + 8);
        if (timeout < 0) { // an unsigned timeout past 2^63 ns: never
            return Long.MAX_VALUE;
        }
        if ((sub.getShort(clockOffset + 24) & SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME) == 0) {
            return saturatedAdd(start, timeout);
        }
        return id == 0 ? saturatedAdd(start, timeout - wallStart) : timeout;
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? (b < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : sum;
    }
}
