package dev.wasmesh.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.wasmesh.host.abi.AbiException;
import dev.wasmesh.host.abi.Status;
import dev.wasmesh.host.internal.HeaderPairs;
import dev.wasmesh.host.stream.HeaderMap;

/**
 * Coverage-guided fuzzing of the header-pairs parser, which reads what a guest hands to proxy_set_header_map_pairs
 * and proxy_send_local_response. Whatever the bytes, it returns a map that encodes back to the same length and
 * pairs, or refuses them with BAD_ARGUMENT; no other exception. The seed corpus runs with the tests; see
 * docs/fuzzing.md for long runs.
 */
class HeaderPairsFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void decode(byte[] data) {
        HeaderMap map;
        try {
            map = HeaderPairs.decode(data);
        } catch (AbiException e) {
            assertThat(e.status()).isEqualTo(Status.BAD_ARGUMENT);
            return;
        }
        if (data.length > 1) {
            byte[] again = HeaderPairs.encode(map);
            assertThat(again).hasSameSizeAs(data);
            assertThat(HeaderPairs.decode(again)).isEqualTo(map);
        } else {
            assertThat(map.isEmpty()).isTrue();
        }
    }
}
