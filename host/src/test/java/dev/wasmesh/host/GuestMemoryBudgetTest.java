package dev.wasmesh.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.wasmesh.host.module.ModuleLoadException;
import dev.wasmesh.host.module.ProxyWasmModule;
import dev.wasmesh.testsupport.Wat;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Guest memory is reserved from a budget before the JVM allocates it, and given back when a VM is closed. */
class GuestMemoryBudgetTest {
    private static final long MIB = 1 << 20;

    /** One page at start; proxy_on_vm_start grows by the pages the VM configuration's first byte gives. */
    private static final String GROWER = "(module\n"
            + "  (import \"env\" \"proxy_get_buffer_bytes\" (func $get (param i32 i32 i32 i32 i32) (result i32)))\n"
            + "  (memory (export \"memory\") 1)\n"
            + "  (global $heap (mut i32) (i32.const 1024))\n"
            + "  (func (export \"proxy_abi_version_0_2_1\"))\n"
            + "  (func (export \"proxy_on_memory_allocate\") (param $n i32) (result i32) (local $p i32)\n"
            + "    (local.set $p (global.get $heap))\n"
            + "    (global.set $heap (i32.add (global.get $heap) (local.get $n))) (local.get $p))\n"
            + "  (func (export \"proxy_on_context_create\") (param i32 i32))\n"
            + "  (func (export \"proxy_on_configure\") (param i32 i32) (result i32) (i32.const 1))\n"
            + "  (func (export \"proxy_on_vm_start\") (param i32 i32) (result i32)\n"
            + "    (drop (call $get (i32.const 6) (i32.const 0) (i32.const 4) (i32.const 16) (i32.const 20)))\n"
            + "    (i32.ne (memory.grow (i32.mul (i32.load8_u (i32.load (i32.const 16))) (i32.const 16)))\n"
            + "            (i32.const -1))))\n";

    private static final ProxyWasmModule MODULE = load();

    private static ProxyWasmModule load() {
        try {
            return ProxyWasmModule.fromBytes("grower.wasm", Wat.compile(GROWER));
        } catch (ModuleLoadException e) {
            throw new AssertionError(e);
        }
    }

    /** A VM whose proxy_on_vm_start grows by {@code mib} MiB; null if that growth was refused. */
    private static WasmVm vmGrowingBy(int mib, GuestMemoryBudget budget) {
        PluginConfig config = PluginConfig.builder()
                .name("grower")
                .vmConfiguration(new byte[] {(byte) mib})
                .build();
        WasmVm vm = WasmVm.create(MODULE, new HostEnvironment(), config, new WasmVm.Options().memoryBudget(budget));
        try {
            vm.createRootContext(config);
            return vm;
        } catch (WasmFailureException e) {
            assertThat(e.failure().kind()).isEqualTo(WasmFailure.Kind.START_FAILED);
            vm.close(); // as the proxy does with a VM that failed to start
            return null;
        }
    }

    @Test
    void growthPastTheBudgetIsRefusedAndClosingAVmGivesItsMemoryBack() {
        GuestMemoryBudget budget = new GuestMemoryBudget(4 * MIB);
        WasmVm first = vmGrowingBy(3, budget);
        assertThat(first).isNotNull();
        assertThat(first.guestMemoryBytes()).isEqualTo(3 * MIB + GuestLimits.PAGE_BYTES);
        assertThat(budget.used()).isEqualTo(first.guestMemoryBytes());

        assertThat(vmGrowingBy(3, budget))
                .as("a second VM may not grow by 3 MiB")
                .isNull();
        assertThat(budget.used()).isEqualTo(first.guestMemoryBytes()); // the refused VM was closed

        first.close();
        assertThat(budget.used()).isZero();
        WasmVm third = vmGrowingBy(3, budget);
        assertThat(third).isNotNull();
        third.close();
        third.close(); // idempotent
        assertThat(budget.used()).isZero();
    }

    @Test
    void aModuleWhoseInitialMemoryDoesNotFitIsRefusedWithAReason() {
        GuestMemoryBudget budget = new GuestMemoryBudget(GuestLimits.PAGE_BYTES / 2);
        WasmFailureException e = catchThrowableOfType(
                WasmFailureException.class,
                () -> WasmVm.create(
                        MODULE,
                        new HostEnvironment(),
                        PluginConfig.builder().build(),
                        new WasmVm.Options().memoryBudget(budget)));
        assertThat(e.failure().kind()).isEqualTo(WasmFailure.Kind.INSTANTIATION);
        assertThat(e.getMessage()).contains("guest memory budget");
        assertThat(budget.used()).isZero();
    }

    @Test
    void theDeadlineInterruptsALargeGrowth() {
        GuestMemoryBudget budget = new GuestMemoryBudget(Long.MAX_VALUE);
        PluginConfig config = PluginConfig.builder()
                .name("grower")
                .callbackDeadline(Duration.ofMillis(1))
                .vmConfiguration(new byte[] {(byte) 255})
                .build();
        WasmVm vm = WasmVm.create(MODULE, new HostEnvironment(), config, new WasmVm.Options().memoryBudget(budget));
        WasmFailureException e = catchThrowableOfType(WasmFailureException.class, () -> vm.createRootContext(config));
        // The watchdog's interrupt during the 255 MiB allocation undoes the growth.
        assertThat(e.failure().kind()).isEqualTo(WasmFailure.Kind.DEADLINE);
        assertThat(vm.guestMemoryBytes()).isLessThan(255 * MIB);
        vm.close();
        assertThat(budget.used()).isZero();
    }

    @Test
    void reservationsNeverPassTheLimit() {
        GuestMemoryBudget budget = new GuestMemoryBudget(10);
        assertThat(budget.tryReserve(6)).isTrue();
        assertThat(budget.tryReserve(5)).isFalse();
        assertThat(budget.tryReserve(4)).isTrue();
        assertThat(budget.tryReserve(Long.MAX_VALUE)).isFalse();
        budget.release(10);
        assertThat(budget.used()).isZero();
    }
}
