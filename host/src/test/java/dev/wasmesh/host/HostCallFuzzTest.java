package dev.wasmesh.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.dylibso.chicory.wasm.ChicoryException;
import dev.wasmesh.host.abi.AbiVersion;
import dev.wasmesh.host.abi.Status;
import dev.wasmesh.host.internal.functions.ProcExitException;
import dev.wasmesh.host.module.ProxyWasmModule;
import dev.wasmesh.host.stream.Body;
import dev.wasmesh.host.stream.HeaderMap;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * Coverage-guided fuzzing of the host functions with the arguments a hostile or broken guest can pass: the
 * scriptable probe guest ({@code wat/probe.wat}) makes a fuzzed list of host calls, each with twelve fuzzed argument
 * words (pointers into fuzzed guest bytes, pointers at and past the end of memory, lengths of 0, small, huge and
 * -1), in one of an HTTP stream's callbacks. Every proxy-wasm call must answer with a status; the only failures
 * allowed are the guest's own traps (proc_exit, a Wasm trap) and the deadline. A Java exception escaping a host
 * function, or any Error (OutOfMemoryError), is a finding. The seed corpus runs with the tests; see
 * docs/fuzzing.md for long runs.
 */
class HostCallFuzzTest {
    /** The probe's own misbehaviour is not what is fuzzed here; the memory limit has its own tests. */
    private static final Set<Probe.Op> LEFT_OUT = EnumSet.of(
            Probe.Op.TRAP, Probe.Op.SPIN, Probe.Op.RECURSE, Probe.Op.LOAD_OUT_OF_BOUNDS, Probe.Op.MEMORY_GROW);

    private static final Probe.Op[] OPS =
            EnumSet.complementOf(EnumSet.copyOf(LEFT_OUT)).toArray(new Probe.Op[0]);
    private static final Probe.Cb[] CALLBACKS = {
        Probe.Cb.REQUEST_HEADERS,
        Probe.Cb.REQUEST_BODY,
        Probe.Cb.REQUEST_TRAILERS,
        Probe.Cb.RESPONSE_HEADERS,
        Probe.Cb.RESPONSE_BODY,
        Probe.Cb.RESPONSE_TRAILERS,
        Probe.Cb.DONE,
        Probe.Cb.LOG
    };
    /** 4 MiB of guest memory at most, so that no host call can be handed more than that. */
    private static final PluginConfig CONFIG = Probe.plugin("probe").toBuilder()
            .memoryLimitPages(64)
            .callbackDeadline(Duration.ofMillis(500))
            .build();

    private static final int MEMORY_END = 3 * 0x10000; // the probe's initial memory

    /** VMs are reused until one fails, or after 1000 inputs; instantiating one per input was most of the time. */
    private static final int USES = 1000;

    private static Probe probe;
    private static RootContext root;
    private static int uses;

    private static Probe probe() {
        if (probe == null || probe.vm.failed() || ++uses >= USES) {
            probe = Probe.create(
                    ProxyWasmModule.Engine.COMPILER,
                    AbiVersion.V0_2_1,
                    CONFIG,
                    new HostEnvironment(),
                    new WasmVm.Options());
            root = probe.vm.createRootContext(CONFIG);
            uses = 0;
        }
        probe.reset();
        return probe;
    }

    @FuzzTest(maxDuration = "30s")
    void hostCalls(FuzzedDataProvider data) {
        Probe p = probe();
        int fuzzed = p.scratch(1024);
        p.vm.memory().write(fuzzed, Arrays.copyOf(data.consumeBytes(1024), 1024)); // what fuzzed pointers point at
        Probe.Cb cb = data.pickValue(CALLBACKS);
        int n = data.consumeInt(1, 8);
        Probe.Step[] steps = new Probe.Step[n];
        for (int i = 0; i < n; i++) {
            Probe.Op op = data.pickValue(OPS);
            Object[] args = new Object[12];
            for (int k = 0; k < args.length; k++) {
                args[k] = word(data, fuzzed);
            }
            if (op == Probe.Op.WASI_RANDOM_GET || op == Probe.Op.UNSTABLE_RANDOM_GET) {
                args[1] = (int) args[1] & 0xFFFF; // huge random_get lengths are issue 12's finding 1, fixed apart
            }
            steps[i] = p.call(op, args);
        }
        p.on(cb, steps);
        HttpContext http = root.newHttpContext();
        try {
            http.onRequestHeaders(HeaderMap.of(":method", "POST", ":path", "/a?b", "x-a", "1", "x-a", "2"), false);
            http.onRequestBody(Body.of("request body"), false);
            http.onRequestTrailers(HeaderMap.of("x-t", "t"));
            http.onResponseHeaders(HeaderMap.of(":status", "200", "content-type", "text/plain"), false);
            http.onResponseBody(Body.of("response body"), true);
            http.onResponseTrailers(HeaderMap.of("grpc-status", "0"));
            http.finish();
        } catch (WasmFailureException e) {
            http.finish();
            Throwable cause = e.getCause();
            assertThat(cause == null || cause instanceof ProcExitException || cause instanceof ChicoryException)
                    .as("a clean failure, not %s", cause)
                    .isTrue();
            return;
        }
        // The last call made answered with a status (-2: not reached, after proxy_done). Earlier results are not
        // checked: a later call handed a pointer into the script may have written over them. Nor is anything if a
        // call wrote over the script's calls, which changes what the later steps were.
        Probe.Step last = null;
        for (Probe.Step s : steps) {
            last = s.result() == -2 ? last : s;
        }
        if (last != null && last.op.name().startsWith("PROXY_") && scriptUnchanged(p, steps)) {
            assertThat(Arrays.stream(Status.values()).mapToInt(Status::code))
                    .as("%s", last.op)
                    .contains(last.result());
        }
    }

    private static boolean scriptUnchanged(Probe p, Probe.Step[] steps) {
        for (Probe.Step s : steps) {
            if (p.memory().readU32AsInt(s.address) != s.op.code) {
                return false;
            }
            for (int k = 0; k < 12; k++) {
                int expected = k < s.args.length ? s.args[k] : 0;
                if (p.memory().readU32AsInt(s.address + 4 + 4L * k) != expected) {
                    return false;
                }
            }
        }
        return true;
    }

    /** An argument word: mostly a pointer or length a guest might pass by mistake or on purpose. */
    private static int word(FuzzedDataProvider data, int fuzzed) {
        switch (data.consumeInt(0, 7)) {
            case 0:
                return fuzzed + data.consumeInt(0, 1023);
            case 1:
                return data.consumeInt(0, 64);
            case 2:
                return MEMORY_END - data.consumeInt(0, 16);
            case 3:
                return -data.consumeInt(1, 16);
            case 4:
                return Integer.MAX_VALUE - data.consumeInt(0, 16);
            case 5:
                return Probe.SCRATCH_START + data.consumeInt(0, 0xC000);
            default:
                return data.consumeInt();
        }
    }
}
