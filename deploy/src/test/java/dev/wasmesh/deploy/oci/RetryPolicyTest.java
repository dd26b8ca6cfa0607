package dev.wasmesh.deploy.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private final RetryPolicy policy = new RetryPolicy(5, Duration.ofMillis(500), Duration.ofSeconds(8));

    @Test
    void backoffDoublesUpToTheCap() {
        assertThat(policy.backoff(1, null)).isEqualTo(Duration.ofMillis(500));
        assertThat(policy.backoff(2, null)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.backoff(4, null)).isEqualTo(Duration.ofSeconds(4));
        assertThat(policy.backoff(5, null)).isEqualTo(Duration.ofSeconds(8));
        assertThat(policy.backoff(60, null)).isEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void aLongerRetryAfterWins() {
        assertThat(policy.backoff(1, Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
        assertThat(policy.backoff(5, Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void retriesTooManyRequestsAndServerErrorsOnly() {
        assertThat(RetryPolicy.isRetryable(429)).isTrue();
        assertThat(RetryPolicy.isRetryable(503)).isTrue();
        assertThat(RetryPolicy.isRetryable(404)).isFalse();
        assertThat(RetryPolicy.isRetryable(401)).isFalse();
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
