package dev.wasmesh.deploy.oci;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TransferProgressTest {
    private final ByteArrayOutputStream drawn = new ByteArrayOutputStream();
    private final PrintStream sink = new PrintStream(drawn, true, StandardCharsets.UTF_8);

    @Test
    void drawsABarForLargeTransfersAndPassesTheBytesThrough() throws Exception {
        byte[] blob = new byte[3 << 20];
        blob[blob.length - 1] = 7;

        byte[] read;
        try (InputStream in =
                TransferProgress.wrap(new ByteArrayInputStream(blob), "pull sha256:0123456789ab", blob.length, sink)) {
            read = in.readAllBytes();
        }

        assertThat(read).isEqualTo(blob);
        String bar = drawn.toString(StandardCharsets.UTF_8);
        assertThat(bar).contains("pull sha256:0123456789ab", "100%", "3072/3072KiB");
    }

    @Test
    void staysQuietForSmallTransfersAndWhenOff() throws Exception {
        InputStream small = new ByteArrayInputStream(new byte[1024]);
        assertThat(TransferProgress.wrap(small, "push", 1024, sink)).isSameAs(small);
        InputStream large = new ByteArrayInputStream(new byte[2 << 20]);
        assertThat(TransferProgress.wrap(large, "push", 2 << 20, null)).isSameAs(large);
        assertThat(drawn.size()).isZero();
    }
}
