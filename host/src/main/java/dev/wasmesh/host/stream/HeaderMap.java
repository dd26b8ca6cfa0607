package dev.wasmesh.host.stream;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * An ordered multimap of HTTP headers (or trailers, or gRPC metadata) with lower-cased names, as Envoy keeps
 * them. Pseudo-headers such as {@code :path} are ordinary entries. Not thread-safe: a map belongs to one stream.
 *
 * <p>Names and values are byte strings, as HTTP carries them and Envoy hands them to filters: each char is one byte
 * (its {@link #BYTES ISO-8859-1} decoding), so a value reaches a filter, and goes back on the wire, byte for byte,
 * whatever its encoding. Java code that holds text uses {@link #utf8} and {@link #text} to cross over.
 */
public final class HeaderMap {
    /** The charset whose decoding maps each byte to one char and back: the byte strings of this map. */
    public static final Charset BYTES = StandardCharsets.ISO_8859_1;

    private String[] entries; // name0, value0, name1, value1, ...
    private int size;

    public HeaderMap() {
        entries = new String[16];
    }

    public static HeaderMap of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must come in pairs");
        }
        // The pairs are already in this map's layout: one bulk copy, then lower-case the names in place, is
        // cheaper than adding them one at a time (tests and benchmarks build maps like this for every stream).
        HeaderMap m = new HeaderMap(Arrays.copyOf(namesAndValues, Math.max(16, namesAndValues.length)));
        for (int i = 0; i < namesAndValues.length; i += 2) {
            m.entries[i] = lowerAscii(m.entries[i]);
        }
        m.size = namesAndValues.length / 2;
        return m;
    }

    private HeaderMap(String[] entries) {
        this.entries = entries;
    }

    /** A map of text names and values, each as the bytes of its UTF-8 encoding (as a client sends "José"). */
    public static HeaderMap ofText(Map<String, String> map) {
        HeaderMap m = new HeaderMap();
        map.forEach((name, value) -> m.add(utf8(name), utf8(value)));
        return m;
    }

    /** The byte string of a text's UTF-8 encoding; ASCII is itself. */
    public static String utf8(String text) {
        return isAscii(text) ? text : new String(text.getBytes(StandardCharsets.UTF_8), BYTES);
    }

    /** The text a byte string holds, read as UTF-8 (malformed bytes become U+FFFD): for showing a value to people. */
    public static String text(String bytes) {
        return isAscii(bytes) ? bytes : new String(bytes.getBytes(BYTES), StandardCharsets.UTF_8);
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    public HeaderMap copy() {
        HeaderMap m = new HeaderMap();
        m.entries = Arrays.copyOf(entries, entries.length);
        m.size = size;
        return m;
    }

    /**
     * A byte string with A–Z lower-cased and every other byte kept, as Envoy lower-cases header names: Unicode case
     * rules would change bytes 0xC0–0xDE, which begin UTF-8 sequences.
     */
    public static String lowerAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                char[] chars = s.toCharArray();
                for (int j = i; j < chars.length; j++) {
                    if (chars[j] >= 'A' && chars[j] <= 'Z') {
                        chars[j] += 'a' - 'A';
                    }
                }
                return new String(chars);
            }
        }
        return s;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public String nameAt(int i) {
        return entries[2 * i];
    }

    public String valueAt(int i) {
        return entries[2 * i + 1];
    }

    /** The first value of {@code name}, as Envoy's header lookups return. */
    public Optional<String> get(String name) {
        return Optional.ofNullable(first(name));
    }

    public String first(String name) {
        String n = lowerAscii(name);
        for (int i = 0; i < size; i++) {
            if (entries[2 * i].equals(n)) {
                return entries[2 * i + 1];
            }
        }
        return null;
    }

    public List<String> all(String name) {
        String n = lowerAscii(name);
        List<String> out = null; // most lookups (a decoder's for content-length, say) find nothing
        for (int i = 0; i < size; i++) {
            if (entries[2 * i].equals(n)) {
                if (out == null) {
                    out = new ArrayList<>(2);
                }
                out.add(entries[2 * i + 1]);
            }
        }
        return out == null ? List.of() : out;
    }

    public boolean contains(String name) {
        return first(name) != null;
    }

    public void add(String name, String value) {
        if (2 * size + 2 > entries.length) {
            entries = Arrays.copyOf(entries, entries.length * 2);
        }
        entries[2 * size] = lowerAscii(name);
        entries[2 * size + 1] = value;
        size++;
    }

    /** Replaces every value of {@code name} with one, keeping the position of the first; adds it if absent. */
    public void set(String name, String value) {
        String n = lowerAscii(name);
        int i = 0;
        boolean found = false;
        while (i < size) {
            if (entries[2 * i].equals(n)) {
                if (!found) {
                    entries[2 * i + 1] = value;
                    found = true;
                    i++;
                } else {
                    removeAt(i);
                }
            } else {
                i++;
            }
        }
        if (!found) {
            add(n, value);
        }
    }

    public boolean remove(String name) {
        String n = lowerAscii(name);
        boolean removed = false;
        int i = 0;
        while (i < size) {
            if (entries[2 * i].equals(n)) {
                removeAt(i);
                removed = true;
            } else {
                i++;
            }
        }
        return removed;
    }

    /** Removes every entry whose (lower-case) name {@code name} accepts, in one pass; the others keep their order. */
    public void removeIf(Predicate<String> name) {
        int kept = 0;
        for (int i = 0; i < size; i++) {
            if (!name.test(entries[2 * i])) {
                entries[2 * kept] = entries[2 * i];
                entries[2 * kept + 1] = entries[2 * i + 1];
                kept++;
            }
        }
        Arrays.fill(entries, 2 * kept, 2 * size, null);
        size = kept;
    }

    /** Puts the pairs in front of the present entries, in the order given. */
    public void prepend(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must come in pairs");
        }
        int n = namesAndValues.length;
        if (2 * size + n > entries.length) {
            entries = Arrays.copyOf(entries, Math.max(entries.length * 2, 2 * size + n));
        }
        System.arraycopy(entries, 0, entries, n, 2 * size);
        for (int i = 0; i < n; i += 2) {
            entries[i] = lowerAscii(namesAndValues[i]);
            entries[i + 1] = namesAndValues[i + 1];
        }
        size += n / 2;
    }

    private void removeAt(int i) {
        System.arraycopy(entries, 2 * i + 2, entries, 2 * i, 2 * (size - i - 1));
        size--;
        entries[2 * size] = null;
        entries[2 * size + 1] = null;
    }

    public void clear() {
        Arrays.fill(entries, 0, 2 * size, null);
        size = 0;
    }

    /** Replaces this map's content with {@code other}'s. */
    public void replaceAll(HeaderMap other) {
        clear();
        for (int i = 0; i < other.size; i++) {
            add(other.nameAt(i), other.valueAt(i));
        }
    }

    /** The first value of each name, in order; handy for assertions and JSON. */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < size; i++) {
            m.putIfAbsent(entries[2 * i], entries[2 * i + 1]);
        }
        return m;
    }

    /**
     * The map's size as Envoy's HeaderMap::byteSize counts it and proxy_get_header_map_size reports it: the bytes of
     * every name and value (no framing, no NULs).
     */
    public long byteSize() {
        long n = 0;
        for (int i = 0; i < 2 * size; i++) {
            n += entries[i].length();
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof HeaderMap)) {
            return false;
        }
        HeaderMap other = (HeaderMap) o;
        return size == other.size && Arrays.equals(entries, 0, 2 * size, other.entries, 0, 2 * size);
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = 0; i < 2 * size; i++) {
            h = 31 * h + entries[i].hashCode();
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < size; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(entries[2 * i]).append(": ").append(entries[2 * i + 1]);
        }
        return sb.append('}').toString();
    }
}
