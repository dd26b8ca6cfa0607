package dev.wasmesh.host.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

class HeaderMapEditTest {
    private static List<String> pairs(HeaderMap m) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < m.size(); i++) {
            out.add(m.nameAt(i) + "=" + m.valueAt(i));
        }
        return out;
    }

    @Test
    void removeIfKeepsTheOthersInOrderAndPrependPutsPairsInFront() {
        HeaderMap m = HeaderMap.of("Host", "h", "connection", "keep-alive", "x-a", "1", "host", "h2", "x-b", "2");
        m.removeIf(n -> n.equals("host") || n.equals("connection"));
        assertThat(pairs(m)).containsExactly("x-a=1", "x-b=2");
        m.prepend(":authority", "h", ":Path", "/");
        assertThat(pairs(m)).containsExactly(":authority=h", ":path=/", "x-a=1", "x-b=2");
        assertThat(m.first(":path")).isEqualTo("/");
        m.add("x-c", "3");
        assertThat(m.size()).isEqualTo(5);
        assertThatThrownBy(() -> m.prepend("odd")).isInstanceOf(IllegalArgumentException.class);
    }

    /** Against a plain list doing the same edits, on maps that must grow past their first array. */
    @RepeatedTest(50)
    void editsMatchAListModel(RepetitionInfo rep) {
        Random r = new Random(rep.getCurrentRepetition());
        HeaderMap m = new HeaderMap();
        List<String> model = new ArrayList<>();
        for (int i = 0, n = r.nextInt(30); i < n; i++) {
            String name = "h" + r.nextInt(6);
            m.add(name, "v" + i);
            model.add(name + "=v" + i);
        }
        String drop = "h" + r.nextInt(6);
        m.removeIf(drop::equals);
        model.removeIf(p -> p.startsWith(drop + "="));
        String[] front = new String[2 * r.nextInt(12)];
        List<String> frontModel = new ArrayList<>();
        for (int i = 0; i < front.length; i += 2) {
            front[i] = ":p" + i;
            front[i + 1] = "f" + i;
            frontModel.add(":p" + i + "=f" + i);
        }
        m.prepend(front);
        frontModel.addAll(model);
        assertThat(pairs(m)).containsExactlyElementsOf(frontModel);
    }

    /** Only A–Z are lower-cased: the UTF-8 lead byte C3 of "é" is not the Latin-1 "Ã" to fold to "ã" (E3). */
    @Test
    void namesAreLowerCasedInAsciiOnly() {
        HeaderMap m = new HeaderMap();
        m.add(HeaderMap.utf8("X-Caf\u00e9"), "1");
        assertThat(m.nameAt(0)).isEqualTo(HeaderMap.utf8("x-caf\u00e9"));
        assertThat(m.first(HeaderMap.utf8("X-CAF\u00e9"))).isEqualTo("1");
        assertThat(HeaderMap.lowerAscii("\u00c0B\u00de")).isEqualTo("\u00c0b\u00de");
    }

    @Test
    void textCrossesOverAsUtf8Bytes() {
        assertThat(HeaderMap.utf8("Jos\u00e9")).isEqualTo("Jos\u00c3\u00a9");
        assertThat(HeaderMap.utf8("\ud83d\ude00").getBytes(HeaderMap.BYTES))
                .isEqualTo("\ud83d\ude00".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(HeaderMap.text("Jos\u00c3\u00a9")).isEqualTo("Jos\u00e9");
        assertThat(HeaderMap.text("Jos\u00e9")).isEqualTo("Jos\ufffd"); // a Latin-1 byte is not UTF-8
        assertThat(HeaderMap.ofText(java.util.Map.of("X-Name", "Jos\u00e9")).first("x-name"))
                .isEqualTo("Jos\u00c3\u00a9");
    }
}
