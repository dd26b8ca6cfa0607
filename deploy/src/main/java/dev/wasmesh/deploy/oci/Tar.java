package dev.wasmesh.deploy.oci;

import dev.wasmesh.deploy.DeployException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Just enough tar for Wasm images and pod copies: write one regular file, and find a file by its base name or take the
 * first entry (as Istio's fetchers do) in archives written by Docker, buildah or Go's archive/tar, including PAX and
 * GNU long names.
 */
public final class Tar {
    private static final int BLOCK = 512;
    private static final int NAME_LENGTH = 100;

    private Tar() {}

    /**
     * A tar holding one world-readable regular file (so that Envoy can read a module whichever user it runs as), with
     * fixed timestamps and owner so that the same content gives the same bytes.
     *
     * @param name at most 100 ASCII characters: no long-name records are written
     */
    public static byte[] singleFile(String name, byte[] content) {
        if (name.length() > NAME_LENGTH) {
            throw new DeployException(
                    "cannot archive '" + name + "': tar names here are at most " + NAME_LENGTH + " characters");
        }
        byte[] tar = new byte[BLOCK + content.length + padding(content.length) + 2 * BLOCK];
        System.arraycopy(header(name, content.length), 0, tar, 0, BLOCK);
        System.arraycopy(content, 0, tar, BLOCK, content.length);
        return tar;
    }

    /** {@link #singleFile} gzip-compressed, as image layers carry it. */
    static byte[] gzipSingleFile(String name, byte[] content) {
        byte[] tar = singleFile(name, content);
        ByteArrayOutputStream out = new ByteArrayOutputStream(tar.length);
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(tar);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] gunzip(byte[] gzipped, String what) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new DeployException(what + " is not gzip-compressed: " + e.getMessage());
        }
    }

    static boolean isGzip(byte[] content) {
        return content.length > 2 && (content[0] & 0xff) == 0x1f && (content[1] & 0xff) == 0x8b;
    }

    /** A POSIX tar has "ustar" at offset 257 of its first header. */
    static boolean isTar(byte[] content) {
        return content.length >= BLOCK && new String(content, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
    }

    /** The first regular file whose base name is {@code baseName}, as Istio's image fetcher looks for plugin.wasm. */
    static Optional<byte[]> find(byte[] tar, String baseName, String what) {
        return scan(tar, baseName, what);
    }

    /** The first entry's content, as Go's archive/tar yields it: PAX and GNU long-name records are not entries. */
    static Optional<byte[]> first(byte[] tar, String what) {
        return scan(tar, null, what);
    }

    /** @param baseName the regular file wanted, or null for the first entry of any type */
    private static Optional<byte[]> scan(byte[] tar, String baseName, String what) {
        int pos = 0;
        String longName = null;
        while (pos + BLOCK <= tar.length) {
            if (isZeroBlock(tar, pos)) {
                return Optional.empty();
            }
            String name = longName != null ? longName : headerName(tar, pos);
            longName = null;
            long size = octal(tar, pos + 124, 12, what);
            char type = (char) tar[pos + 156];
            int dataStart = pos + BLOCK;
            if (size < 0 || dataStart + size > tar.length) {
                throw new DeployException(what + " is a truncated tar archive");
            }
            if (type == 'x' || type == 'L') {
                String data = new String(tar, dataStart, (int) size, StandardCharsets.UTF_8);
                longName = type == 'x' ? paxPath(data) : data.replace("\0", "");
            } else if (type != 'g'
                    && (baseName == null
                            || ((type == '0' || type == '\0')
                                    && name.substring(name.lastIndexOf('/') + 1).equals(baseName)))) {
                byte[] content = new byte[(int) size];
                System.arraycopy(tar, dataStart, content, 0, (int) size);
                return Optional.of(content);
            }
            pos = dataStart + (int) size + padding(size);
        }
        return Optional.empty();
    }

    private static String paxPath(String records) {
        for (String record : records.split("\n")) {
            int space = record.indexOf(' ');
            if (space > 0 && record.startsWith("path=", space + 1)) {
                return record.substring(space + 1 + "path=".length());
            }
        }
        return null;
    }

    private static byte[] header(String name, long size) {
        byte[] h = new byte[BLOCK];
        put(h, 0, name);
        put(h, 100, "0000644");
        put(h, 108, "0000000");
        put(h, 116, "0000000");
        put(h, 124, String.format("%011o", size));
        put(h, 136, "00000000000");
        h[156] = '0';
        put(h, 257, "ustar");
        put(h, 263, "00");
        java.util.Arrays.fill(h, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format("%06o", sum));
        h[154] = 0;
        h[155] = ' ';
        return h;
    }

    private static void put(byte[] header, int offset, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, header, offset, bytes.length);
    }

    private static String headerName(byte[] tar, int pos) {
        String name = field(tar, pos, 100);
        boolean ustar = new String(tar, pos + 257, 5, StandardCharsets.US_ASCII).equals("ustar");
        String prefix = ustar ? field(tar, pos + 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private static String field(byte[] tar, int offset, int length) {
        int end = offset;
        while (end < offset + length && tar[end] != 0) {
            end++;
        }
        return new String(tar, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] tar, int offset, int length, String what) {
        if ((tar[offset] & 0x80) != 0) { // base-256, used by GNU tar for sizes of 8 GiB and more
            long value = tar[offset] & 0x7f;
            for (int i = 1; i < length; i++) {
                value = (value << 8) | (tar[offset + i] & 0xff);
            }
            return value;
        }
        String text = field(tar, offset, length).trim();
        try {
            return text.isEmpty() ? 0 : Long.parseLong(text, 8);
        } catch (NumberFormatException e) {
            throw new DeployException(what + " is not a tar archive (bad size field '" + text + "')");
        }
    }

    private static boolean isZeroBlock(byte[] tar, int pos) {
        for (int i = pos; i < pos + BLOCK; i++) {
            if (tar[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static int padding(long size) {
        return (int) ((BLOCK - size % BLOCK) % BLOCK);
    }
}
