package dev.wasmesh.host.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wasmesh.host.GuestMemoryBudget;
import dev.wasmesh.host.abi.AbiException;
import dev.wasmesh.host.abi.Status;
import org.junit.jupiter.api.Test;

/** Shared data and queued messages count against the guest memory budget, so a guest cannot fill the heap. */
class SharedStoreBudgetTest {
    @Test
    void sharedDataPastTheBudgetIsInternalFailureAndShrinkingGivesBytesBack() {
        GuestMemoryBudget budget = new GuestMemoryBudget(10_000);
        SharedData data = new SharedData(budget);
        data.set("a", new byte[6000], 0);
        long afterFirst = budget.used();
        assertThat(afterFirst).isGreaterThanOrEqualTo(6000);
        assertThatThrownBy(() -> data.set("b", new byte[6000], 0))
                .isInstanceOfSatisfying(
                        AbiException.class, e -> assertThat(e.status()).isEqualTo(Status.INTERNAL_FAILURE));
        assertThat(data.get("b")).isEmpty();
        assertThat(budget.used()).isEqualTo(afterFirst);

        data.set("a", new byte[10], 0); // replacing with less gives the difference back
        assertThat(budget.used()).isEqualTo(afterFirst - 5990);
        data.set("b", new byte[6000], 0);
        assertThat(data.get("b")).isPresent();
    }

    @Test
    void queuedItemsHoldBudgetUntilDequeued() {
        GuestMemoryBudget budget = new GuestMemoryBudget(10_000);
        SharedQueues queues = new SharedQueues(budget);
        int token = queues.register("vm", "q", t -> {});
        queues.enqueue(token, new byte[6000]);
        assertThatThrownBy(() -> queues.enqueue(token, new byte[6000]))
                .isInstanceOfSatisfying(
                        AbiException.class, e -> assertThat(e.status()).isEqualTo(Status.INTERNAL_FAILURE));
        assertThat(queues.size(token)).isEqualTo(1);
        assertThat(queues.dequeue(token)).hasSize(6000);
        assertThat(budget.used()).isZero();
        queues.enqueue(token, new byte[6000]);
        assertThat(queues.size(token)).isEqualTo(1);
    }
}
