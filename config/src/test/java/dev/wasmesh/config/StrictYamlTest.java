package dev.wasmesh.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StrictYamlTest {
    private static ConfigMap read(String text) throws ConfigException {
        return StrictYaml.named("c.yaml").readOne(text).asMap();
    }

    private static ConfigException error(ThrowingRead read) {
        try {
            read.run();
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("no error");
    }

    interface ThrowingRead {
        void run() throws ConfigException;
    }

    @Test
    void typedAccessorsReadScalarsAndTakeDefaults() throws Exception {
        ConfigMap m = read("""
                name: web
                port: "8080"
                big: 1_000
                on: TRUE
                timeout: 1.5s
                short: 0.000000001s
                empty:
                tags: [a, 2]
                """);
        assertThat(m.string("name", "x")).isEqualTo("web");
        assertThat(m.intValue("port", 0)).isEqualTo(8080);
        assertThat(m.longValue("big", 0)).isEqualTo(1000);
        assertThat(m.bool("on", false)).isTrue();
        assertThat(m.duration("timeout", null)).isEqualTo(Duration.ofMillis(1500));
        assertThat(m.duration("short", null)).isEqualTo(Duration.ofNanos(1));
        assertThat(m.string("empty", "dflt")).as("null counts as absent").isEqualTo("dflt");
        assertThat(m.get("empty").asString()).isEqualTo("");
        assertThat(m.strings("tags")).containsExactly("a", "2");
        assertThat(m.string("missing")).isEmpty();
        assertThat(m.bool("missing", true)).isTrue();
        assertThat(m.duration("missing", Duration.ZERO)).isEqualTo(Duration.ZERO);
        assertThat(m.strings("missing")).isEmpty();
        assertThat(m.maps("missing")).isEmpty();
        assertThat(m.optMap("missing")).isNull();
        m.done();
    }

    @Test
    void errorsNameTheSourceLineAndPath() {
        ConfigException e = error(() -> read("""
                a:
                  b:
                  - {c: 1}
                  - {c: soon}
                """).map("a").maps("b").get(1).duration("c", null));
        assertThat(e)
                .hasMessage("c.yaml:4: a.b[1].c: expected a duration like 5s or 0.25s, got 'soon'")
                .extracting(ConfigException::line, ConfigException::path, ConfigException::problem)
                .containsExactly(4, "a.b[1].c", "expected a duration like 5s or 0.25s, got 'soon'");
        assertThat(e.detail()).isEqualTo("a.b[1].c: expected a duration like 5s or 0.25s, got 'soon'");
        assertThat(error(() -> read("n: 1.5\n").longValue("n", 0)))
                .hasMessage("c.yaml:1: n: expected a whole number, got '1.5'");
        assertThat(error(() -> read("n: 3000000000\n").intValue("n", 0)))
                .hasMessageContaining("n: expected a whole number from -2147483648 to 2147483647, got 3000000000");
        assertThat(error(() -> read("b: yes\n").bool("b", false)))
                .hasMessage("c.yaml:1: b: expected true or false, got 'yes'");
        assertThat(error(() -> read("s: [x]\n").string("s", "")))
                .hasMessage("c.yaml:1: s: expected a single value, not a list");
        assertThat(error(() -> read("m: x\n").map("m")))
                .hasMessage("c.yaml:1: m: expected a mapping (key: value), not a value");
        assertThat(error(() -> read("l: {a: 1}\n").strings("l")))
                .hasMessage("c.yaml:1: l: expected a list, not a mapping");
        assertThat(error(() -> read("x: 1\n\n").map("m"))).hasMessage("c.yaml:1: m: required");
        assertThat(error(() -> read("m: ~\n").requireString("m"))).hasMessage("c.yaml:1: m: required");
    }

    @Test
    void withoutASourceTheLineStillShows() {
        assertThatThrownBy(() ->
                        StrictYaml.named("").readOne("a: 1\nb: x\n").asMap().longValue("b", 0))
                .hasMessage("line 2: b: expected a whole number, got 'x'");
    }

    @Test
    void unreadKeysAreAnErrorNamingThem() throws Exception {
        ConfigMap m = StrictYaml.named("e.yaml")
                .unreadKeys("field not supported")
                .readOne("""
                        id: a
                        extra: 1
                        more: 2
                        ignored: 3
                        """)
                .asMap();
        m.string("id", "");
        m.accept("ignored");
        assertThatThrownBy(m::done)
                .isInstanceOf(ConfigException.class)
                .hasMessage("e.yaml:2: extra: field not supported (also: more)");
        m.accept("extra", "more");
        m.done();
        ConfigMap all = read("a: 1\nb: {c: 2}\n");
        all.acceptAll();
        all.done();
        assertThatThrownBy(() -> read("a: 1\n").done()).hasMessage("c.yaml:1: a: unknown key");
    }

    @Test
    void anAbsentMappingCanBeReadAsAnEmptyOne() throws Exception {
        ConfigMap root = read("x: 1\nm: {}\n");
        ConfigMap absent = root.mapOrEmpty("a");
        assertThat(absent.keys()).isEmpty();
        assertThat(absent.string("k", "d")).isEqualTo("d");
        assertThat(error(() -> absent.requireString("k"))).hasMessage("c.yaml:1: a.k: required");
        assertThat(root.mapOrEmpty("m").path()).isEqualTo("m");
        assertThat(error(() -> root.mapOrEmpty("x")))
                .hasMessage("c.yaml:1: x: expected a mapping (key: value), not a value");
    }

    @Test
    void theSameMappingKeepsItsRecordOfKeysRead() throws Exception {
        ConfigMap root = read("a: {b: 1}\n");
        root.map("a").longValue("b", 0);
        root.map("a").done();
        root.done();
    }

    @Test
    void expectOnlyNamesTheAllowedKeys() throws Exception {
        ConfigMap m = read("x:\n  good: 1\n  bda: 2\n").map("x");
        assertThatThrownBy(() -> m.expectOnly(Set.of("good", "bad")))
                .hasMessage("c.yaml:3: x.bda: unknown key 'bda' (expected one of: bad, good)");
        m.expectOnly(List.of("good", "bda"));
    }

    @Test
    void duplicateKeysAreRefusedAnywhereInTheDocument() {
        assertThatThrownBy(() -> read("a: 1\nb:\n  - {c: 1, c: 2}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("c.yaml:3: b[0].c: duplicate key 'c'");
        assertThatThrownBy(() -> read("{\"a\": 1, \"a\": 2}")).hasMessage("c.yaml:1: a: duplicate key 'a'");
    }

    @Test
    void invalidYamlNamesItsLine() {
        ConfigException e = error(() -> read("a: 1\nb: [1, 2\nc: 3\n"));
        assertThat(e.getMessage()).startsWith("c.yaml:").contains(": invalid YAML: ");
        assertThat(e.line()).isBetween(2, 4);
        assertThat(error(() -> StrictYaml.named("").readOne("a: 1\n---\nb: 2\n")))
                .hasMessage("line 3: expected one document, found 2");
    }

    @Test
    void jsonReadsAsYamlTabsIncluded() throws Exception {
        String json = "{\n\t\"a\": {\n\t\t\"b\": [1,\t\"x\\\"\ty\"],\n\t\t\"c\": true\n\t}\n}\n";
        ConfigMap m = StrictYaml.named("c.json").jsonSchema().readOne(json).asMap();
        ConfigMap a = m.map("a");
        assertThat(a.strings("b")).containsExactly("1", "x\"\ty");
        assertThat(a.bool("c", false)).isTrue();
        assertThat(error(() -> a.get("b").asList().get(1).asLong()))
                .hasMessage("c.json:3: a.b[1]: expected a whole number, got 'x\"\ty'");
        assertThat(StrictYaml.jsonTabs("a:\tb\n"))
                .as("block YAML is left as it is")
                .isEqualTo("a:\tb\n");
        assertThat(StrictYaml.jsonTabs("[don't,\tx]")).isEqualTo("[don't, x]");
    }

    @Test
    void plainValuesFollowTheSchema() throws Exception {
        String text = "{a: 1, b: 2.5, c: True, d: ~, e: [x, {f: null}], g: 12345678901234567890}";
        Object json = StrictYaml.named("").jsonSchema().readOne(text).toPlain();
        assertThat(json)
                .isEqualTo(Map.of(
                        "a",
                        1,
                        "b",
                        2.5,
                        "c",
                        "True",
                        "d",
                        "~",
                        "e",
                        List.of("x", java.util.Collections.singletonMap("f", null)),
                        "g",
                        new BigInteger("12345678901234567890")));
        ConfigMap core = StrictYaml.named("").readOne(text).asMap();
        assertThat(core.toPlain().get("c")).isEqualTo(true);
        assertThat(core.get("d").isNull()).isTrue();
    }

    @Test
    void oneOrListAndStringMaps() throws Exception {
        ConfigMap m = read("one: a\nmany: [a, b]\nmap: {x: 1, y: two}\nnested: {x: [1]}\n");
        assertThat(m.get("one").oneOrList()).extracting(ConfigValue::path).containsExactly("one");
        assertThat(m.get("many").oneOrList()).extracting(ConfigValue::path).containsExactly("many[0]", "many[1]");
        assertThat(m.get("map").asStringMap()).containsExactly(Map.entry("x", "1"), Map.entry("y", "two"));
        m.map("map").done();
        assertThat(error(() -> m.get("nested").asStringMap()))
                .hasMessage("c.yaml:4: nested.x: expected a single value, not a list");
        assertThat(error(() -> m.get("map").oneOrList()))
                .hasMessage("c.yaml:3: map: expected a value or a list of values, not a mapping");
        assertThat(m.get("one").textOrNull()).isEqualTo("a");
        assertThat(m.get("map").textOrNull()).isNull();
    }

    @Test
    void emptyTextIsANullDocument() throws Exception {
        assertThat(StrictYaml.named("x").readOne("").isNull()).isTrue();
        assertThat(StrictYaml.named("x").readAll("# only a comment\n")).isEmpty();
        List<ConfigValue> docs = StrictYaml.named("x").readAll("a: 1\n---\n- b\n");
        assertThat(docs).extracting(ConfigValue::line).containsExactly(1, 3);
        assertThat(docs.get(1).isList()).isTrue();
    }
}
