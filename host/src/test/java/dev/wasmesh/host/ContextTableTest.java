package dev.wasmesh.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.host.internal.ContextTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * The VM's context table behaves like a map from id to context under any mix of adds and removes, including the
 * growth and the wrap-around and back-shifting of colliding ids. Each repetition uses its own fixed seed.
 */
class ContextTableTest {
    /** A context with just an id; the table looks at nothing else. */
    private static final class Bare extends Context {
        Bare(int id) {
            super(null, id);
        }

        @Override
        public RootContext rootContext() {
            return null;
        }
    }

    @RepeatedTest(30)
    void agreesWithAHashMap(RepetitionInfo rep) {
        Random r = new Random(rep.getCurrentRepetition());
        ContextTable table = new ContextTable();
        Map<Integer, Context> expected = new HashMap<>();
        List<Integer> live = new ArrayList<>();
        // Ids grow as a VM hands them out, with strides that make many of them share a home slot.
        int stride = 1 + r.nextInt(4) * 16;
        int nextId = 1 + r.nextInt(64);
        for (int step = 0; step < 3000; step++) {
            if (live.isEmpty() || r.nextInt(100) < 55) {
                Context c = new Bare(nextId);
                nextId += stride;
                table.put(c);
                expected.put(c.id(), c);
                live.add(c.id());
            } else {
                int id = live.remove(r.nextInt(live.size()));
                table.remove(id);
                expected.remove(id);
            }
            assertThat(table.size()).isEqualTo(expected.size());
        }
        for (int id = 0; id < nextId + stride; id++) {
            assertThat(table.get(id)).as("id %d", id).isSameAs(expected.get(id));
        }
        table.remove(nextId + 1000); // absent: nothing changes
        assertThat(table.size()).isEqualTo(expected.size());
    }
}
