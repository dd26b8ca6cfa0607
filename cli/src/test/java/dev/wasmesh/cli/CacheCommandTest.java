package dev.wasmesh.cli;

import static dev.wasmesh.cli.Cli.wasmesh;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.testsupport.Examples;
import dev.wasmesh.testsupport.JsonDocs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wasmesh cache}: what `test` left in the cache, shown and cleared, as a user runs it. */
class CacheCommandTest {
    @TempDir
    Path tmp;

    private void project() throws Exception {
        Files.copy(Examples.wasm("seed"), tmp.resolve("filter.wasm"));
        Files.createDirectories(tmp.resolve("tests"));
        Files.writeString(
                tmp.resolve("tests/hello.yaml"),
                String.join(
                        "\n",
                        "filter: ../filter.wasm",
                        "rootId: seed",
                        "steps:",
                        "  - responseHeaders: {\":status\": \"200\"}",
                        "    endOfStream: true",
                        "    expect: {headers: {hello: world}}",
                        ""));
    }

    @Test
    void showsWhatTestCompiledAndClearsIt() throws Exception {
        project();
        Path cache = tmp.resolve("cache");
        Cli.Result test =
                wasmesh().in(tmp).env("WASMESH_CACHE_DIR", cache.toString()).run("test");
        assertThat(test.exitCode()).as(test.toString()).isZero();

        Cli.Result show = wasmesh().env("WASMESH_CACHE_DIR", cache.toString()).run("cache");
        assertThat(show.exitCode()).as(show.toString()).isZero();
        assertThat(show.stdout())
                .contains("cache: " + cache, "entries: 1, ", " KiB", "wasmesh 0.", "Chicory 1.7.5")
                .doesNotContain("not usable");

        Cli.Result json = wasmesh().run("cache", "--dir", cache.toString(), "--output", "json");
        Map<?, ?> parsed = (Map<?, ?>) JsonDocs.parse(json.stdout());
        assertThat(parsed.get("dir")).isEqualTo(cache.toString());
        List<?> entries = (List<?>) parsed.get("entries");
        assertThat(entries).hasSize(1);
        Map<?, ?> entry = (Map<?, ?>) entries.get(0);
        assertThat(entry.get("sizeBytes")).isEqualTo(parsed.get("totalBytes"));
        assertThat(entry.get("usable")).isEqualTo(true);
        assertThat((String) entry.get("module")).hasSize(64);

        // The launcher keeps its class-data archive beside the modules; clear removes it too.
        Path archive = Files.createDirectories(cache.resolve("jvm")).resolve("run-0123abcd.jsa");
        Files.write(archive, new byte[] {1, 2, 3});
        Cli.Result clear = wasmesh().run("cache", "--dir", cache.toString(), "clear");
        assertThat(clear.exitCode()).as(clear.toString()).isZero();
        assertThat(clear.stdout()).contains("removed 2 files from " + cache);
        assertThat(archive).doesNotExist();
        assertThat(wasmesh().run("cache", "--dir", cache.toString()).stdout()).contains("entries: 0, 0 B");
    }

    @Test
    void anEmptyOrMissingCacheIsShownAsEmpty() throws Exception {
        Cli.Result show = wasmesh().run("cache", "--dir", tmp.resolve("none").toString());
        assertThat(show.exitCode()).as(show.toString()).isZero();
        assertThat(show.stdout()).contains("entries: 0, 0 B");
        assertThat(wasmesh()
                        .run("cache", "--dir", tmp.resolve("none").toString(), "clear")
                        .stdout())
                .contains("removed 0 files");
    }

    @Test
    void theCacheLivesUnderXdgCacheHomeUnlessTold() throws Exception {
        Cli.Result show = wasmesh()
                .env("WASMESH_CACHE_DIR", "")
                .env("XDG_CACHE_HOME", tmp.toString())
                .run("cache");
        assertThat(show.stdout()).contains("cache: " + tmp.resolve("wasmesh"));
    }
}
