package dev.wasmesh.host.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import dev.wasmesh.host.GuestMemoryBudget;
import dev.wasmesh.testsupport.Wat;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The flat guest memory under both Chicory engines: bounds at the edge, growth, bulk operations, data segments. */
class BudgetedMemoryTest {
    private static final long PAGE = 65536;
    private static final WasmModule MODULE = Parser.parse(Wat.compile("(module\n"
            + "  (memory 1 3)\n"
            + "  (data (i32.const 10) \"abc\")\n"
            + "  (data $p \"xyz\")\n"
            + "  (func (export \"load64\") (param i32) (result i64) local.get 0 i64.load)\n"
            + "  (func (export \"store64\") (param i32 i64) local.get 0 local.get 1 i64.store)\n"
            + "  (func (export \"load8\") (param i32) (result i32) local.get 0 i32.load8_u)\n"
            + "  (func (export \"load16\") (param i32) (result i32) local.get 0 i32.load16_s)\n"
            + "  (func (export \"grow\") (param i32) (result i32) local.get 0 memory.grow)\n"
            + "  (func (export \"copy\") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 memory.copy)\n"
            + "  (func (export \"fill\") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 memory.fill)\n"
            + "  (func (export \"init\") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 memory.init $p)\n"
            + "  (func (export \"drop\") data.drop $p))"));

    private final GuestMemoryBudget budget = new GuestMemoryBudget(Long.MAX_VALUE);

    private Instance instance(boolean compiled) {
        Instance.Builder builder =
                Instance.builder(MODULE).withMemoryFactory(limits -> new BudgetedMemory(limits, budget));
        if (compiled) {
            builder.withMachineFactory(MachineFactoryCompiler::compile);
        }
        return builder.build();
    }

    private static long call(Instance instance, String name, long... args) {
        long[] result = instance.export(name).apply(args);
        return result == null || result.length == 0 ? 0 : result[0];
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void loadsAndStoresReachTheLastByteAndTrapPastIt(boolean compiled) {
        Instance wasm = instance(compiled);
        assertThat(call(wasm, "load8", 10)).isEqualTo('a');
        call(wasm, "store64", PAGE - 8, 0x0102030405060708L);
        assertThat(call(wasm, "load64", PAGE - 8)).isEqualTo(0x0102030405060708L);
        assertThat(call(wasm, "load8", PAGE - 8)).isEqualTo(8); // little-endian
        call(wasm, "store64", 0, 0xFFFFL);
        assertThat(call(wasm, "load16", 0)).isEqualTo(-1);
        for (long addr : new long[] {PAGE - 7, PAGE, 0xFFFFFFFFL}) {
            assertThatThrownBy(() -> call(wasm, "load64", addr))
                    .isInstanceOf(ChicoryException.class)
                    .hasMessageContaining("out of bounds memory access");
        }
        assertThatThrownBy(() -> call(wasm, "load8", PAGE))
                .isInstanceOf(ChicoryException.class)
                .hasMessageContaining("out of bounds memory access");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void stringsAreDecodedInPlaceWithinBounds(boolean compiled) {
        Instance wasm = instance(compiled);
        assertThat(wasm.memory().readString(10, 3, StandardCharsets.ISO_8859_1)).isEqualTo("abc");
        call(wasm, "store64", PAGE - 8, 0xA9C3L); // "é" in UTF-8 (C3 A9), little-endian
        assertThat(wasm.memory().readString((int) PAGE - 8, 2, StandardCharsets.UTF_8))
                .isEqualTo("é");
        assertThatThrownBy(() -> wasm.memory().readString((int) PAGE - 2, 3, StandardCharsets.UTF_8))
                .isInstanceOf(ChicoryException.class)
                .hasMessageContaining("out of bounds memory access");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void growthKeepsTheContentsAndStopsAtTheMaximum(boolean compiled) {
        Instance wasm = instance(compiled);
        call(wasm, "store64", PAGE - 8, 42);
        assertThat(call(wasm, "grow", 1)).isEqualTo(1);
        assertThat(call(wasm, "load64", PAGE - 8)).isEqualTo(42);
        call(wasm, "store64", 2 * PAGE - 8, 43);
        assertThat(call(wasm, "load64", 2 * PAGE - 8)).isEqualTo(43);
        assertThat(call(wasm, "grow", 2)).isEqualTo(-1);
        assertThat(call(wasm, "grow", 0)).isEqualTo(2);
        assertThat(budget.used()).isEqualTo(2 * PAGE);
        ((BudgetedMemory) wasm.memory()).release();
        assertThat(budget.used()).isZero();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void copyFillAndPassiveSegments(boolean compiled) {
        Instance wasm = instance(compiled);
        call(wasm, "copy", 11, 10, 3); // overlapping, forwards
        assertThat(new String(wasm.memory().readBytes(10, 4))).isEqualTo("aabc");
        call(wasm, "copy", 10, 11, 3); // overlapping, backwards
        assertThat(new String(wasm.memory().readBytes(10, 3))).isEqualTo("abc");
        call(wasm, "fill", PAGE - 4, 0x7F, 4);
        assertThat(call(wasm, "load8", PAGE - 1)).isEqualTo(0x7F);
        assertThatThrownBy(() -> call(wasm, "fill", PAGE - 4, 0, 5)).isInstanceOf(ChicoryException.class);
        assertThatThrownBy(() -> call(wasm, "copy", 0, PAGE - 2, 3)).isInstanceOf(ChicoryException.class);
        call(wasm, "init", 200, 1, 2);
        assertThat(new String(wasm.memory().readBytes(200, 2))).isEqualTo("yz");
        assertThatThrownBy(() -> call(wasm, "init", 200, 2, 2)).isInstanceOf(ChicoryException.class);
        call(wasm, "drop");
        call(wasm, "init", 300, 0, 0);
        assertThatThrownBy(() -> call(wasm, "init", 300, 0, 1)).isInstanceOf(ChicoryException.class);
    }
}
