package dev.wasmesh.host;

import static dev.wasmesh.host.Probe.Cb.CONFIGURE;
import static dev.wasmesh.host.Probe.Cb.TICK;
import static dev.wasmesh.host.Probe.Op.PROXY_DEFINE_METRIC;
import static dev.wasmesh.host.Probe.Op.PROXY_GET_METRIC;
import static dev.wasmesh.host.Probe.Op.PROXY_INCREMENT_METRIC;
import static dev.wasmesh.host.Probe.Op.PROXY_RECORD_METRIC;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.host.abi.MetricType;
import dev.wasmesh.host.abi.Status;
import dev.wasmesh.host.module.ProxyWasmModule;
import dev.wasmesh.host.shared.Metrics;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricFunctionsTest {
    private final Probe p = Probe.create(ProxyWasmModule.Engine.COMPILER);
    private final Probe.Out counter = p.out(4);
    private final Probe.Out gauge = p.out(4);
    private final Probe.Out histogram = p.out(4);
    private final Probe.Out counterAgain = p.out(4);
    private RootContext root;

    private void define(Probe.Step... more) {
        p.on(
                CONFIGURE,
                p.call(PROXY_DEFINE_METRIC, 0, p.str("requests"), counter),
                p.call(PROXY_DEFINE_METRIC, 1, p.str("inflight"), gauge),
                p.call(PROXY_DEFINE_METRIC, 2, p.str("sizes"), histogram),
                p.call(PROXY_DEFINE_METRIC, 0, p.str("requests"), counterAgain));
        root = p.vm.createRootContext(Probe.plugin("probe"));
        p.on(TICK, more);
        root.tick();
    }

    @Test
    void definingTheSameNameAndTypeGivesTheSameId() {
        Probe.Step badType = p.call(PROXY_DEFINE_METRIC, 3, p.str("x"), p.out(4));
        Probe.Step emptyName = p.call(PROXY_DEFINE_METRIC, 0, p.str(""), p.out(4));
        Probe.Step badOut = p.call(PROXY_DEFINE_METRIC, 0, p.str("y"), 0x00400000);
        define(badType, emptyName, badOut);
        assertThat(counterAgain.u32()).isEqualTo(counter.u32());
        assertThat(List.of(counter.u32(), gauge.u32(), histogram.u32())).doesNotHaveDuplicates();
        assertThat(badType.status()).isEqualTo(Status.BAD_ARGUMENT);
        assertThat(emptyName.status()).isEqualTo(Status.BAD_ARGUMENT);
        assertThat(badOut.status()).isEqualTo(Status.INVALID_MEMORY_ACCESS);
    }

    @Test
    void countersOnlyGoUp() {
        Probe.Out value = p.out(8);
        Probe.Step inc = p.call(PROXY_INCREMENT_METRIC, 0, 5);
        Probe.Step negative = p.call(PROXY_INCREMENT_METRIC, 0, -1);
        Probe.Step record = p.call(PROXY_RECORD_METRIC, 0, 2);
        Probe.Step get = p.call(PROXY_GET_METRIC, 0, value);
        define(); // ids are known only after definition
        inc.args[0] = counter.u32();
        negative.args[0] = counter.u32();
        record.args[0] = counter.u32();
        get.args[0] = counter.u32();
        p.on(TICK, inc, negative, record, get);
        root.tick();
        assertThat(List.of(inc, negative, record, get))
                .extracting(Probe.Step::status)
                .containsExactly(Status.OK, Status.BAD_ARGUMENT, Status.OK, Status.OK);
        assertThat(value.u64()).isEqualTo(7);
        assertThat(p.env.metrics().find("requests").orElseThrow().value()).isEqualTo(7);
    }

    @Test
    void gaugesGoBothWaysAndRecordSets() {
        Probe.Out value = p.out(8);
        define();
        p.on(
                TICK,
                p.call(PROXY_INCREMENT_METRIC, gauge.u32(), 3),
                p.call(PROXY_INCREMENT_METRIC, gauge.u32(), -1),
                p.call(PROXY_GET_METRIC, gauge.u32(), value));
        root.tick();
        assertThat(value.u64()).isEqualTo(2);
        p.on(TICK, p.call(PROXY_RECORD_METRIC, gauge.u32(), 40), p.call(PROXY_GET_METRIC, gauge.u32(), value));
        root.tick();
        assertThat(value.u64()).isEqualTo(40);
    }

    @Test
    void histogramsRecordSamplesButCannotBeIncrementedOrRead() {
        define();
        Probe.Step record = p.call(PROXY_RECORD_METRIC, histogram.u32(), 100);
        Probe.Step record2 = p.call(PROXY_RECORD_METRIC, histogram.u32(), 300);
        Probe.Step inc = p.call(PROXY_INCREMENT_METRIC, histogram.u32(), 1);
        Probe.Step get = p.call(PROXY_GET_METRIC, histogram.u32(), p.out(8));
        Probe.Step unknown = p.call(PROXY_GET_METRIC, 0x7FFF0, p.out(8));
        Probe.Step unknownRecord = p.call(PROXY_RECORD_METRIC, 0x7FFF0, 1);
        p.on(TICK, record, record2, inc, get, unknown, unknownRecord);
        root.tick();
        assertThat(List.of(record, record2, inc, get, unknown, unknownRecord))
                .extracting(Probe.Step::status)
                .containsExactly(
                        Status.OK,
                        Status.OK,
                        Status.BAD_ARGUMENT,
                        Status.BAD_ARGUMENT,
                        Status.NOT_FOUND,
                        Status.NOT_FOUND);
        Metrics.Metric sizes = p.env.metrics().find("sizes").orElseThrow();
        assertThat(sizes.type()).isEqualTo(MetricType.HISTOGRAM);
        assertThat(sizes.samples()).containsExactly(100L, 300L);
    }

    @Test
    void incrementingAnUnknownMetricIsNotFound() {
        define();
        Probe.Step unknown = p.call(PROXY_INCREMENT_METRIC, 0x7FFF0, 1);
        Probe.Step unknownGauge = p.call(PROXY_INCREMENT_METRIC, 0x7FFF1, 1);
        p.on(TICK, unknown, unknownGauge);
        root.tick();
        assertThat(List.of(unknown, unknownGauge))
                .extracting(Probe.Step::status)
                .containsOnly(Status.NOT_FOUND);
    }
}
