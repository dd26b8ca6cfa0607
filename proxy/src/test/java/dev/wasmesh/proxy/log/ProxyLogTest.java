package dev.wasmesh.proxy.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.host.abi.LogLevel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ProxyLogTest {
    private static AccessLog.Entry entry(String path) {
        return new AccessLog.Entry(
                Instant.ofEpochSecond(1_700_000_000L),
                "GET",
                path,
                "HTTP/1.1",
                200,
                "",
                0,
                0,
                0,
                null,
                null,
                null,
                null,
                "via_upstream");
    }

    private static List<String> paths(ByteArrayOutputStream out) {
        return Arrays.stream(out.toString(StandardCharsets.UTF_8).split("\\R"))
                .filter(l -> !l.isEmpty())
                .map(l -> l.startsWith("[") ? l.split(" ")[2] : l)
                .collect(Collectors.toList());
    }

    @Test
    void linesOfSeveralThreadsAreEachWrittenOnceAcrossFlushesAndStdoutComesAfterThem() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ProxyLog log = new ProxyLog(
                LogLevel.INFO,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        for (int round = 0; round < 3; round++) { // later rounds append to the buffers the earlier flushes swapped
            int r = round;
            Thread[] threads = new Thread[4];
            for (int t = 0; t < threads.length; t++) {
                int id = t;
                threads[t] = new Thread(() -> {
                    for (int i = 0; i < 2000; i++) { // past one buffer's 64 KiB: the thread flushes too
                        log.access(entry("/r" + r + "/t" + id + "/" + i));
                    }
                });
                threads[t].start();
            }
            for (Thread t : threads) {
                t.join();
            }
            log.flush();
        }
        log.stdout("last line");
        List<String> lines = paths(out);
        assertThat(lines)
                .hasSize(3 * 4 * 2000 + 1)
                .doesNotHaveDuplicates()
                .last()
                .isEqualTo("last line");
        assertThat(lines).contains("/r0/t0/0", "/r2/t3/1999");
        // Each thread's own lines stay in their order.
        List<String> t1 = lines.stream().filter(l -> l.startsWith("/r1/t1/")).collect(Collectors.toList());
        for (int i = 0; i < t1.size(); i++) {
            assertThat(t1.get(i)).isEqualTo("/r1/t1/" + i);
        }
    }

    /** Header fields are written as the bytes that arrived (UTF-8 here, Latin-1 there), the details as UTF-8. */
    @Test
    void accessLogLinesAreTheBytesThatArrived() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ProxyLog log = new ProxyLog(
                LogLevel.INFO,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        log.access(new AccessLog.Entry(
                Instant.ofEpochSecond(1_700_000_000L),
                "GET",
                "/caf\u00c3\u00a9",
                "HTTP/1.1",
                200,
                "",
                0,
                0,
                0,
                "agent-\u00e9",
                null,
                null,
                null,
                "d\u00e9tails"));
        log.flush();
        byte[] line = out.toByteArray();
        assertThat(new String(line, StandardCharsets.ISO_8859_1))
                .contains("\"GET /caf\u00c3\u00a9 HTTP/1.1\"", "\"agent-\u00e9\"", " d\u00c3\u00a9tails");
    }
}
