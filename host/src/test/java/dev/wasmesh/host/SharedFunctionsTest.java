package dev.wasmesh.host;

import static dev.wasmesh.host.Probe.Cb.CONFIGURE;
import static dev.wasmesh.host.Probe.Cb.QUEUE_READY;
import static dev.wasmesh.host.Probe.Cb.TICK;
import static dev.wasmesh.host.Probe.Op.PROXY_DEQUEUE_SHARED_QUEUE;
import static dev.wasmesh.host.Probe.Op.PROXY_ENQUEUE_SHARED_QUEUE;
import static dev.wasmesh.host.Probe.Op.PROXY_GET_SHARED_DATA;
import static dev.wasmesh.host.Probe.Op.PROXY_REGISTER_SHARED_QUEUE;
import static dev.wasmesh.host.Probe.Op.PROXY_RESOLVE_SHARED_QUEUE;
import static dev.wasmesh.host.Probe.Op.PROXY_SET_SHARED_DATA;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.host.abi.AbiVersion;
import dev.wasmesh.host.abi.Status;
import dev.wasmesh.host.module.ProxyWasmModule;
import java.util.List;
import org.junit.jupiter.api.Test;

class SharedFunctionsTest {
    private final HostEnvironment env = new HostEnvironment();
    private final Probe a = Probe.create(
            ProxyWasmModule.Engine.COMPILER, AbiVersion.V0_2_1, Probe.plugin("a"), env, new WasmVm.Options());
    private final Probe b = Probe.create(
            ProxyWasmModule.Engine.INTERPRETER, AbiVersion.V0_2_1, Probe.plugin("b"), env, new WasmVm.Options());

    @Test
    void sharedDataIsSharedAcrossVmsWithCompareAndSwap() {
        Probe.Step set = a.call(PROXY_SET_SHARED_DATA, a.str("k"), a.str("v1"), 0);
        a.on(CONFIGURE, set);
        a.vm.createRootContext(Probe.plugin("a"));
        assertThat(set.status()).isEqualTo(Status.OK);

        Probe.OutBytes value = b.outBytes();
        Probe.Out cas = b.out(4);
        Probe.Step get = b.call(PROXY_GET_SHARED_DATA, b.str("k"), value, cas);
        Probe.Step missing = b.call(PROXY_GET_SHARED_DATA, b.str("nope"), b.outBytes(), b.out(4));
        b.on(CONFIGURE, get, missing);
        RootContext rootB = b.vm.createRootContext(Probe.plugin("b"));
        assertThat(get.status()).isEqualTo(Status.OK);
        assertThat(value.string()).isEqualTo("v1");
        assertThat(cas.u32()).isNotZero();
        assertThat(missing.status()).isEqualTo(Status.NOT_FOUND);

        Probe.Step withCas = b.call(PROXY_SET_SHARED_DATA, b.str("k"), b.str("v2"), cas.u32());
        Probe.Step staleCas = b.call(PROXY_SET_SHARED_DATA, b.str("k"), b.str("v3"), cas.u32());
        Probe.Step unconditional = b.call(PROXY_SET_SHARED_DATA, b.str("k"), b.str("v4"), 0);
        b.on(TICK, withCas, staleCas, unconditional);
        rootB.tick();
        assertThat(List.of(withCas, staleCas, unconditional))
                .extracting(Probe.Step::status)
                .containsExactly(Status.OK, Status.CAS_MISMATCH, Status.OK);
        assertThat(new String(env.sharedData().get("k").orElseThrow().value())).isEqualTo("v4");
    }

    @Test
    void badKeyPointerIsInvalidMemoryAccess() {
        Probe.Step get = a.call(PROXY_GET_SHARED_DATA, 0x00400000, 4, a.outBytes(), a.out(4));
        Probe.Step set = a.call(PROXY_SET_SHARED_DATA, a.str("k"), 0x00400000, 4, 0);
        a.on(CONFIGURE, get, set);
        a.vm.createRootContext(Probe.plugin("a"));
        assertThat(List.of(get, set)).extracting(Probe.Step::status).containsOnly(Status.INVALID_MEMORY_ACCESS);
    }

    @Test
    void queueReadyRunsInTheRegisteringVmOnItsOwnThread() {
        Probe.Out token = a.out(4);
        Probe.Step register = a.call(PROXY_REGISTER_SHARED_QUEUE, a.str("jobs"), token);
        a.on(CONFIGURE, register);
        RootContext rootA = a.vm.createRootContext(Probe.plugin("a"));
        assertThat(register.status()).isEqualTo(Status.OK);

        Probe.Out resolved = b.out(4);
        Probe.Step resolve = b.call(PROXY_RESOLVE_SHARED_QUEUE, b.str("probe-vm"), b.str("jobs"), resolved);
        Probe.Step resolveMissing = b.call(PROXY_RESOLVE_SHARED_QUEUE, b.str("probe-vm"), b.str("none"), b.out(4));
        Probe.Step enqueue = b.call(PROXY_ENQUEUE_SHARED_QUEUE, token.u32(), b.str("job-1"));
        Probe.Step enqueueUnknown = b.call(PROXY_ENQUEUE_SHARED_QUEUE, 9999, b.str("x"));
        b.on(CONFIGURE, resolve, resolveMissing, enqueue, enqueueUnknown);
        b.vm.createRootContext(Probe.plugin("b"));
        assertThat(resolve.status()).isEqualTo(Status.OK);
        assertThat(resolved.u32()).isEqualTo(token.u32());
        assertThat(resolveMissing.status()).isEqualTo(Status.NOT_FOUND);
        assertThat(enqueue.status()).isEqualTo(Status.OK);
        assertThat(enqueueUnknown.status()).isEqualTo(Status.NOT_FOUND);

        Probe.OutBytes item = a.outBytes();
        Probe.Step first = a.call(PROXY_DEQUEUE_SHARED_QUEUE, token.u32(), item);
        Probe.Step empty = a.call(PROXY_DEQUEUE_SHARED_QUEUE, token.u32(), a.outBytes());
        Probe.Step unknown = a.call(PROXY_DEQUEUE_SHARED_QUEUE, 9999, a.outBytes());
        a.on(QUEUE_READY, first, empty, unknown);
        assertThat(a.callbacks()).doesNotContain(QUEUE_READY);
        assertThat(b.vm.runPending()).isZero();
        assertThat(a.vm.runPending()).isEqualTo(1);
        assertThat(item.string()).isEqualTo("job-1");
        assertThat(empty.status()).isEqualTo(Status.EMPTY);
        assertThat(unknown.status()).isEqualTo(Status.NOT_FOUND);
        assertThat(a.events())
                .filteredOn(e -> e.cb() == QUEUE_READY)
                .singleElement()
                .satisfies(e -> assertThat(e.args()).startsWith(rootA.id(), token.u32()));
        assertThat(b.callbacks()).doesNotContain(QUEUE_READY);
    }

    @Test
    void anEmptyVmIdResolvesInTheCallersOwnVm() {
        Probe.Out token = a.out(4);
        Probe.Out resolved = a.out(4);
        a.on(
                CONFIGURE,
                a.call(PROXY_REGISTER_SHARED_QUEUE, a.str("q"), token),
                a.call(PROXY_RESOLVE_SHARED_QUEUE, a.str(""), a.str("q"), resolved));
        a.vm.createRootContext(Probe.plugin("a"));
        assertThat(resolved.u32()).isEqualTo(token.u32()).isNotZero();
    }

    @Test
    void queueFunctionsRejectBadPointers() {
        Probe.Out token = a.out(4);
        Probe.Step register = a.call(PROXY_REGISTER_SHARED_QUEUE, a.str("q"), token);
        Probe.Step enqueue = a.call(PROXY_ENQUEUE_SHARED_QUEUE, 0, a.str("item"));
        a.on(CONFIGURE, register);
        RootContext root = a.vm.createRootContext(Probe.plugin("a"));
        enqueue.args[0] = token.u32();
        List<Probe.Step> bad = List.of(
                a.call(PROXY_REGISTER_SHARED_QUEUE, 0x00400000, 1, a.out(4)),
                a.call(PROXY_REGISTER_SHARED_QUEUE, a.str("q2"), 0x00400000),
                a.call(PROXY_RESOLVE_SHARED_QUEUE, 0x00400000, 1, a.str("q"), a.out(4)),
                a.call(PROXY_RESOLVE_SHARED_QUEUE, a.str(""), 0x00400000, 1, a.out(4)),
                a.call(PROXY_RESOLVE_SHARED_QUEUE, a.str(""), a.str("q"), 0x00400000),
                a.call(PROXY_ENQUEUE_SHARED_QUEUE, token.u32(), 0x00400000, 4),
                a.call(PROXY_DEQUEUE_SHARED_QUEUE, token.u32(), 0x00400000, a.out(4).ptr));
        List<Probe.Step> steps = new java.util.ArrayList<>(List.of(enqueue));
        steps.addAll(bad);
        a.on(TICK, steps.toArray(Probe.Step[]::new));
        root.tick();
        assertThat(enqueue.status()).isEqualTo(Status.OK);
        assertThat(bad).extracting(Probe.Step::status).containsOnly(Status.INVALID_MEMORY_ACCESS);
    }
}
