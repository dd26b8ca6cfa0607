package dev.wasmesh.host.shared;

import dev.wasmesh.host.GuestMemoryBudget;
import dev.wasmesh.host.abi.AbiException;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Process-wide message queues named by (vm_id, name). The VM that registers a queue is told of new items through
 * proxy_on_queue_ready, on its own thread; any VM may resolve and enqueue. Queued items are reserved from the guest
 * memory budget until dequeued: an enqueue that would pass it answers INTERNAL_FAILURE.
 */
public final class SharedQueues {
    /** Who hears about new items: the root context that registered the queue. */
    public interface Listener {
        void onQueueReady(int token);
    }

    private static final class Queue0 {
        final String vmId;
        final String name;
        final Queue<byte[]> items = new ConcurrentLinkedQueue<>();
        volatile Listener listener;

        Queue0(String vmId, String name, Listener listener) {
            this.vmId = vmId;
            this.name = name;
            this.listener = listener;
        }
    }

    private final Map<String, Integer> tokensByName = new ConcurrentHashMap<>();
    private final Map<Integer, Queue0> queues = new ConcurrentHashMap<>();
    private final AtomicInteger nextToken = new AtomicInteger(1);
    private final GuestMemoryBudget budget;

    public SharedQueues() {
        this(GuestMemoryBudget.PROCESS);
    }

    public SharedQueues(GuestMemoryBudget budget) {
        this.budget = budget;
    }

    private static long size(byte[] item) {
        return item.length + 32L; // the queue node and the array header, roughly
    }

    private static String key(String vmId, String name) {
        return vmId + '\0' + name;
    }

    /** Registers (or re-registers, keeping the token) a queue; the latest registrant becomes the listener. */
    public synchronized int register(String vmId, String name, Listener listener) {
        Integer token = tokensByName.get(key(vmId, name));
        if (token != null) {
            queues.get(token).listener = listener;
            return token;
        }
        int t = nextToken.getAndIncrement();
        queues.put(t, new Queue0(vmId, name, listener));
        tokensByName.put(key(vmId, name), t);
        return t;
    }

    public Optional<Integer> resolve(String vmId, String name) {
        return Optional.ofNullable(tokensByName.get(key(vmId, name)));
    }

    public void enqueue(int token, byte[] data) {
        Queue0 q = queues.get(token);
        if (q == null) {
            throw AbiException.NOT_FOUND;
        }
        if (!budget.tryReserve(size(data))) {
            throw AbiException.INTERNAL_FAILURE;
        }
        q.items.add(data.clone());
        q.listener.onQueueReady(token);
    }

    /** The oldest item; EMPTY if there is none, NOT_FOUND for an unknown token. */
    public byte[] dequeue(int token) {
        Queue0 q = queues.get(token);
        if (q == null) {
            throw AbiException.NOT_FOUND;
        }
        byte[] item = q.items.poll();
        if (item == null) {
            throw AbiException.EMPTY;
        }
        budget.release(size(item));
        return item;
    }

    public int size(int token) {
        Queue0 q = queues.get(token);
        return q == null ? 0 : q.items.size();
    }

    public Optional<String> nameOf(int token) {
        Queue0 q = queues.get(token);
        return q == null ? Optional.empty() : Optional.of(q.vmId + "/" + q.name);
    }
}
