package dev.wasmesh.deploy.oci;

import java.time.Duration;

/**
 * How often to try a registry request that failed with 429, a 5xx or a broken connection, and how long to wait:
 * doubling from {@code initialBackoff} up to {@code maxBackoff}, or what the registry's {@code Retry-After} asks if
 * that is longer.
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofMillis(500), Duration.ofSeconds(8));

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
    }

    /** @param attempt the attempt that just failed, from 1 */
    Duration backoff(int attempt, Duration retryAfter) {
        long doubled = initialBackoff.toMillis() << Math.min(attempt - 1, 20);
        Duration backoff = Duration.ofMillis(Math.min(doubled, maxBackoff.toMillis()));
        return retryAfter != null && retryAfter.compareTo(backoff) > 0 ? retryAfter : backoff;
    }

    static boolean isRetryable(int status) {
        return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
    }
}
