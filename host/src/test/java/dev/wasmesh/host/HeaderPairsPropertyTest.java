package dev.wasmesh.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wasmesh.host.abi.AbiException;
import dev.wasmesh.host.internal.HeaderPairs;
import dev.wasmesh.host.stream.Body;
import dev.wasmesh.host.stream.HeaderMap;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/**
 * Properties of the header-pairs encoding and of the buffer read/write rules, checked on generated inputs. Each
 * repetition uses its own fixed seed, so a failure names the repetition that reproduces it.
 */
class HeaderPairsPropertyTest {
    private static final String NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-:";
    private static final String LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    private static String randomString(Random r, String alphabet, int min, int max) {
        int len = min + r.nextInt(max - min + 1);
        StringBuilder sb = new StringBuilder(len);
        for (int i = 0; i < len; i++) {
            sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    /** Any bytes but NUL as a byte string: printable ASCII, control bytes, UTF-8 sequences and malformed ones. */
    private static String randomValue(Random r, int max) {
        int len = r.nextInt(max + 1);
        StringBuilder sb = new StringBuilder(len);
        for (int i = 0; i < len; i++) {
            sb.append((char) (r.nextBoolean() ? 0x20 + r.nextInt(0x5f) : 0x01 + r.nextInt(0xff)));
        }
        return sb.toString();
    }

    private static Random random(RepetitionInfo info) {
        return new Random(0x5eed0000L + info.getCurrentRepetition());
    }

    @RepeatedTest(300)
    void pairsRoundTrip(RepetitionInfo info) {
        Random r = random(info);
        HeaderMap map = new HeaderMap();
        int n = r.nextInt(21);
        for (int i = 0; i < n; i++) {
            map.add(randomString(r, NAME_CHARS, 0, 30), randomValue(r, 40));
        }
        byte[] encoded = HeaderPairs.encode(map);
        assertThat(HeaderPairs.decode(encoded)).isEqualTo(map);
        assertThat(encoded.length).isEqualTo(4 + 8 * map.size() + 2 * map.size() + map.byteSize());
    }

    /** Whatever bytes a guest sends, valid UTF-8 or not, come back to it unchanged. */
    @RepeatedTest(300)
    void guestBytesRoundTripUnchanged(RepetitionInfo info) {
        Random r = random(info);
        int n = 1 + r.nextInt(8);
        byte[][] fields = new byte[2 * n][];
        int size = 4 + 8 * n;
        for (int i = 0; i < fields.length; i++) {
            fields[i] = new byte[1 + r.nextInt(12)];
            for (int j = 0; j < fields[i].length; j++) {
                fields[i][j] = (byte) (i % 2 == 0 ? 'a' + r.nextInt(26) : 1 + r.nextInt(255));
            }
            if (i % 2 == 1) {
                fields[i][0] = (byte) (0x80 + r.nextInt(0x80)); // every value has a byte that is not ASCII
            }
            size += fields[i].length + 1;
        }
        ByteBuffer buf =
                ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN).putInt(n);
        for (byte[] f : fields) {
            buf.putInt(f.length);
        }
        for (byte[] f : fields) {
            buf.put(f).put((byte) 0);
        }
        assertThat(HeaderPairs.encode(HeaderPairs.decode(buf.array()))).isEqualTo(buf.array());
    }

    @RepeatedTest(300)
    void truncatedPairsAreRejectedNotMisread(RepetitionInfo info) {
        Random r = random(info);
        HeaderMap map = new HeaderMap();
        int n = 1 + r.nextInt(5);
        for (int i = 0; i < n; i++) {
            String name = randomString(r, LETTERS, 1, 10);
            map.add(name, name + "-value");
        }
        byte[] encoded = HeaderPairs.encode(map);
        int keep = 2 + r.nextInt(encoded.length - 2); // at least 2 bytes (0 or 1 mean "empty map"), never all
        byte[] truncated = Arrays.copyOf(encoded, keep);
        assertThatThrownBy(() -> HeaderPairs.decode(truncated)).isInstanceOf(AbiException.class);
    }

    @RepeatedTest(500)
    void sliceIsClampedAndNeverOverflows(RepetitionInfo info) {
        Random r = random(info);
        String content = randomString(r, LETTERS, 0, 50);
        // Mix small offsets with the extremes the SDKs pass (0xFFFFFFFF, 0x7FFFFFFF) and arbitrary ints.
        int[] interesting = {0, 1, content.length(), content.length() + 1, -1, Integer.MAX_VALUE, r.nextInt()};
        int start = r.nextBoolean() ? r.nextInt(60) : interesting[r.nextInt(interesting.length)];
        int size = r.nextBoolean() ? r.nextInt(60) : interesting[r.nextInt(interesting.length)];
        Body body = Body.of(content);
        long s = start & 0xFFFFFFFFL;
        long len = size & 0xFFFFFFFFL;
        if (s > content.length()) {
            assertThat(body.slice(start, size)).isEmpty();
        } else {
            String expected = content.substring((int) s, (int) Math.min(content.length(), s + len));
            assertThat(new String(body.slice(start, size), StandardCharsets.UTF_8))
                    .isEqualTo(expected);
        }
    }

    @RepeatedTest(500)
    void writeFollowsEnvoysRules(RepetitionInfo info) {
        Random r = random(info);
        String content = randomString(r, LETTERS, 0, 30);
        int start = r.nextInt(41);
        int size = r.nextInt(42) - 1; // -1 is 0xFFFFFFFF: "everything"
        String data = randomString(r, LETTERS, 0, 10);
        Body body = Body.of(content);
        long len = size & 0xFFFFFFFFL;
        if (start == 0) {
            body.write(start, size, data.getBytes(StandardCharsets.UTF_8), Long.MAX_VALUE);
            assertThat(body.toString()).isEqualTo(data + content.substring((int) Math.min(len, content.length())));
        } else if (start >= content.length()) {
            body.write(start, size, data.getBytes(StandardCharsets.UTF_8), Long.MAX_VALUE);
            assertThat(body.toString()).isEqualTo(content + data);
        } else {
            assertThatThrownBy(() -> body.write(start, size, data.getBytes(StandardCharsets.UTF_8), Long.MAX_VALUE))
                    .isInstanceOf(AbiException.class);
            assertThat(body.toString()).isEqualTo(content);
        }
    }

    @Test
    void aWriteThatWouldPassTheLengthLimitIsRefusedAndChangesNothing() {
        Body body = Body.of("0123456789");
        body.write(0, 4, "ab".getBytes(StandardCharsets.UTF_8), 8); // 6 kept and 2 written: exactly the limit
        assertThat(body.toString()).isEqualTo("ab456789");
        assertThatThrownBy(() -> body.write(8, 0, "x".getBytes(StandardCharsets.UTF_8), 8))
                .isInstanceOf(AbiException.class);
        assertThat(body.toString()).isEqualTo("ab456789");
    }
}
