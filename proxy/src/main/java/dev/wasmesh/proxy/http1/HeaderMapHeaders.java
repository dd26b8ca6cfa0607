package dev.wasmesh.proxy.http1;

import dev.wasmesh.host.stream.HeaderMap;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * Netty's HTTP headers over a {@link HeaderMap}: what {@link Http1Decoder} hands on with its messages, so that
 * Netty's h2c upgrade handler and the proxy's own handlers can read them, and {@link Headers} then takes the map
 * over as the stream's, pseudo-headers put in front, without a copy. Names that handlers add are checked as
 * Netty's default headers check them (RFC 9110 tokens) and values for control characters.
 */
public final class HeaderMapHeaders extends HttpHeaders {
    private final HeaderMap map = new HeaderMap();

    /** The headers as received, names lower-cased. */
    HeaderMap map() {
        return map;
    }

    @Override
    public String get(String name) {
        return map.first(name);
    }

    @Override
    public Integer getInt(CharSequence name) {
        String v = map.first(name.toString());
        try {
            return v == null ? null : Integer.valueOf(v.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public int getInt(CharSequence name, int defaultValue) {
        Integer v = getInt(name);
        return v == null ? defaultValue : v;
    }

    @Override
    public Short getShort(CharSequence name) {
        Integer v = getInt(name);
        return v == null || v != v.shortValue() ? null : v.shortValue();
    }

    @Override
    public short getShort(CharSequence name, short defaultValue) {
        Short v = getShort(name);
        return v == null ? defaultValue : v;
    }

    @Override
    public Long getTimeMillis(CharSequence name) {
        String v = map.first(name.toString());
        Date d = v == null ? null : DateFormatter.parseHttpDate(v);
        return d == null ? null : d.getTime();
    }

    @Override
    public long getTimeMillis(CharSequence name, long defaultValue) {
        Long v = getTimeMillis(name);
        return v == null ? defaultValue : v;
    }

    @Override
    public List<String> getAll(String name) {
        return map.all(name);
    }

    @Override
    public List<Map.Entry<String, String>> entries() {
        List<Map.Entry<String, String>> out = new ArrayList<>(map.size());
        for (int i = 0; i < map.size(); i++) {
            out.add(new AbstractMap.SimpleImmutableEntry<>(map.nameAt(i), map.valueAt(i)));
        }
        return out;
    }

    @Override
    public boolean contains(String name) {
        return map.contains(name);
    }

    /**
     * Whether one of {@code name}'s comma-separated values, trimmed, is {@code value}: Netty's meaning, without the
     * list of values its default builds. The decoders ask it of every message (transfer-encoding, connection).
     */
    @Override
    public boolean containsValue(CharSequence name, CharSequence value, boolean ignoreCase) {
        for (int i = 0; i < map.size(); i++) {
            if (AsciiString.contentEqualsIgnoreCase(map.nameAt(i), name) && listed(map.valueAt(i), value, ignoreCase)) {
                return true;
            }
        }
        return false;
    }

    private static boolean listed(String list, CharSequence value, boolean ignoreCase) {
        int start = 0;
        while (start <= list.length()) {
            int comma = list.indexOf(',', start);
            int end = comma < 0 ? list.length() : comma;
            int from = start;
            while (from < end && list.charAt(from) <= ' ') {
                from++;
            }
            int to = end;
            while (to > from && list.charAt(to - 1) <= ' ') {
                to--;
            }
            if (to - from == value.length()
                    && (ignoreCase
                            ? list.regionMatches(true, from, value.toString(), 0, to - from)
                            : list.regionMatches(from, value.toString(), 0, to - from))) {
                return true;
            }
            start = end + 1;
        }
        return false;
    }

    @Override
    @SuppressWarnings("deprecation") // deprecated in HttpHeaders but still abstract there
    public Iterator<Map.Entry<String, String>> iterator() {
        return entries().iterator();
    }

    @Override
    public Iterator<Map.Entry<CharSequence, CharSequence>> iteratorCharSequence() {
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < map.size();
            }

            @Override
            public Map.Entry<CharSequence, CharSequence> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int i = next++;
                return new AbstractMap.SimpleImmutableEntry<>(map.nameAt(i), map.valueAt(i));
            }
        };
    }

    @Override
    public boolean isEmpty() {
        return map.isEmpty();
    }

    @Override
    public int size() {
        return map.size();
    }

    @Override
    public Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < map.size(); i++) {
            names.add(map.nameAt(i));
        }
        return names;
    }

    @Override
    public HttpHeaders add(CharSequence name, Object value) {
        map.add(name(name), checkedValue(value));
        return this;
    }

    @Override
    public HttpHeaders add(String name, Object value) {
        return add((CharSequence) name, value);
    }

    @Override
    public HttpHeaders add(String name, Iterable<?> values) {
        for (Object v : values) {
            add(name, v);
        }
        return this;
    }

    @Override
    public HttpHeaders addInt(CharSequence name, int value) {
        return add(name.toString(), Integer.toString(value));
    }

    @Override
    public HttpHeaders addShort(CharSequence name, short value) {
        return add(name.toString(), Short.toString(value));
    }

    @Override
    public HttpHeaders set(String name, Object value) {
        map.set(name(name), checkedValue(value));
        return this;
    }

    @Override
    public HttpHeaders set(String name, Iterable<?> values) {
        remove(name);
        return add(name, values);
    }

    @Override
    public HttpHeaders setInt(CharSequence name, int value) {
        return set(name.toString(), Integer.toString(value));
    }

    @Override
    public HttpHeaders setShort(CharSequence name, short value) {
        return set(name.toString(), Short.toString(value));
    }

    @Override
    public HttpHeaders remove(String name) {
        map.remove(name);
        return this;
    }

    @Override
    public HttpHeaders clear() {
        map.clear();
        return this;
    }

    private static String name(CharSequence name) {
        return checkedName(name.toString());
    }

    private static String checkedName(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty header name");
        }
        for (int i = 0; i < name.length(); i++) {
            if (!Http1Encoder.token(name.charAt(i))) {
                throw new IllegalArgumentException("a header name is not a token: " + name);
            }
        }
        return name;
    }

    /** Field values may hold visible characters, spaces, tabs and obs-text; no other control character. */
    private static String checkedValue(Object value) {
        String v = value.toString();
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (Http1Syntax.control(c)) {
                throw new IllegalArgumentException("a header value contains a control character");
            }
        }
        return v;
    }
}
