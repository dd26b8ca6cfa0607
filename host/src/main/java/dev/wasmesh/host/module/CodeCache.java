package dev.wasmesh.host.module;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Modules compiled to JVM bytecode, kept on disk so the next process that loads the same module skips Chicory's
 * compiler (seconds for a Go filter). An entry is keyed by the module's SHA-256, the wasmesh version, the Chicory
 * version and {@link #FORMAT} (how wasmesh drives the compiler), all in its file name and again in its header, with a
 * checksum of the payload: an entry that is corrupt or from another build is ignored and replaced.
 *
 * <p>Several processes may share a cache: an entry is written to a temporary file in the same directory and renamed
 * into place, so a reader sees a whole entry or none, and two writers of one key write the same bytes. A cache that
 * cannot be read or written only costs time: the module compiles as if there were no cache.
 */
public final class CodeCache {
    /** Where the cache is: this system property, else the environment variable below, else the XDG cache dir. */
    public static final String DIR_PROPERTY = "wasmesh.cache.dir";

    public static final String DIR_ENV = "WASMESH_CACHE_DIR";
    /** Bump when the compiler options in {@link ModuleCompiler} or the layout of an entry or its payload change. */
    static final int FORMAT = 2;

    private static final byte[] MAGIC = {'W', 'A', 'S', 'M', 'E', 'S', 'H', 'C'};
    private static final String SUFFIX = ".code";
    private static final String TEMP_SUFFIX = ".tmp";
    private static final String WASMESH_VERSION;
    private static final String CHICORY_VERSION;

    static {
        Properties p = new Properties();
        try (InputStream in = CodeCache.class.getResourceAsStream("versions.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        WASMESH_VERSION = p.getProperty("wasmesh", "unknown");
        CHICORY_VERSION = p.getProperty("chicory", "unknown");
    }

    private static volatile CodeCache standard;

    private final Path dir;
    private final AtomicBoolean warned = new AtomicBoolean();

    public CodeCache(Path dir) {
        this.dir = dir;
    }

    /** The cache at {@link #defaultDir()}, shared by everything in this process that loads modules. */
    public static CodeCache standard() {
        CodeCache c = standard;
        if (c == null) {
            synchronized (CodeCache.class) {
                if (standard == null) {
                    standard = new CodeCache(defaultDir());
                }
                c = standard;
            }
        }
        return c;
    }

    /** {@code -Dwasmesh.cache.dir}, {@code $WASMESH_CACHE_DIR}, {@code $XDG_CACHE_HOME/wasmesh}, {@code ~/.cache/wasmesh}. */
    public static Path defaultDir() {
        String property = System.getProperty(DIR_PROPERTY);
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        String env = System.getenv(DIR_ENV);
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "wasmesh");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "wasmesh");
    }

    public Path dir() {
        return dir;
    }

    /** The wasmesh and Chicory versions entries of this build are keyed by, e.g. {@code 0.1.0, 1.7.5}. */
    public static String wasmeshVersion() {
        return WASMESH_VERSION;
    }

    public static String chicoryVersion() {
        return CHICORY_VERSION;
    }

    /** The entry for a module of this SHA-256 (64 hex digits) in this build: its file, present or not. */
    public Path entryFile(String sha256) {
        return dir.resolve(sha256 + "-wasmesh-" + safe(WASMESH_VERSION) + "-chicory-" + safe(CHICORY_VERSION) + "-f"
                + FORMAT + SUFFIX);
    }

    /** The compiled code stored for this module, or null when there is none that this build can use. */
    byte[] read(String sha256) {
        byte[] file;
        try {
            file = Files.readAllBytes(entryFile(sha256));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            warn("cannot read", e);
            return null;
        }
        return payload(file, sha256);
    }

    /** Whether entries can be written here: the directory exists, or can be made, and is writable. */
    boolean writable() {
        try {
            Files.createDirectories(dir);
            return Files.isWritable(dir);
        } catch (IOException e) {
            return false;
        }
    }

    /** Stores compiled code; failures are reported once and otherwise ignored. */
    void write(String sha256, byte[] code) {
        Path target = entryFile(sha256);
        Path temp = null;
        try {
            Files.createDirectories(dir);
            temp = Files.createTempFile(dir, sha256 + "-", TEMP_SUFFIX);
            Files.write(temp, entry(sha256, code));
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            temp = null;
        } catch (IOException e) {
            warn("cannot write", e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // the temporary file stays; `wasmesh cache clear` removes it
                }
            }
        }
    }

    /** Drops an entry whose code did not load after all, so the next process does not trip over it again. */
    void evict(String sha256) {
        try {
            Files.deleteIfExists(entryFile(sha256));
        } catch (IOException e) {
            warn("cannot remove an entry from", e);
        }
    }

    /** One file in the cache directory; {@code usable} when this build would load it. */
    public record Entry(
            Path file, long sizeBytes, String module, String wasmeshVersion, String chicoryVersion, boolean usable) {}

    /** The entries in the directory by file name; files that are not entries of any build are left out. */
    public List<Entry> entries() throws IOException {
        List<Entry> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path f : files) {
                out.add(describe(f));
            }
        }
        out.sort(Comparator.comparing(Entry::file));
        return out;
    }

    private Entry describe(Path f) throws IOException {
        byte[] file = Files.readAllBytes(f);
        String module = "?";
        String wasmesh = "?";
        String chicory = "?";
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(file))) {
            if (Arrays.equals(in.readNBytes(MAGIC.length), MAGIC) && in.readInt() == FORMAT) {
                wasmesh = in.readUTF();
                chicory = in.readUTF();
                module = in.readUTF();
            }
        } catch (IOException e) {
            // a truncated header: shown with question marks, unusable
        }
        boolean usable = f.getFileName().toString().startsWith(module + "-") && payload(file, module) != null;
        return new Entry(f, file.length, module, wasmesh, chicory, usable);
    }

    /** Removes every entry and leftover temporary file; returns how many files went. */
    public int clear() throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int removed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(
                dir,
                f -> f.getFileName().toString().endsWith(SUFFIX)
                        || f.getFileName().toString().endsWith(TEMP_SUFFIX))) {
            for (Path f : files) {
                if (Files.deleteIfExists(f)) {
                    removed++;
                }
            }
        }
        return removed;
    }

    private static byte[] entry(String sha256, byte[] code) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(code.length + 200);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeInt(FORMAT);
            out.writeUTF(WASMESH_VERSION);
            out.writeUTF(CHICORY_VERSION);
            out.writeUTF(sha256);
            out.writeInt(code.length);
            out.write(sha256(code));
            out.write(code);
        }
        return bytes.toByteArray();
    }

    /** The payload if the header is this build's for this module and the checksum matches; else null. */
    private static byte[] payload(byte[] file, String sha256) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(file))) {
            if (!Arrays.equals(in.readNBytes(MAGIC.length), MAGIC)
                    || in.readInt() != FORMAT
                    || !in.readUTF().equals(WASMESH_VERSION)
                    || !in.readUTF().equals(CHICORY_VERSION)
                    || !in.readUTF().equals(sha256)) {
                return null;
            }
            int length = in.readInt();
            byte[] checksum = in.readNBytes(32);
            byte[] code = in.readNBytes(length);
            if (code.length != length || in.read() != -1 || !Arrays.equals(checksum, sha256(code))) {
                return null;
            }
            return code;
        } catch (IOException e) {
            return null;
        }
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256(bytes));
    }

    private static String safe(String version) {
        return version.replaceAll("[^A-Za-z0-9._]", "_");
    }

    private void warn(String what, IOException e) {
        if (warned.compareAndSet(false, true)) {
            System.err.println(
                    "wasmesh: " + what + " the module cache in " + dir + " (" + e + "); modules compile without it");
        }
    }
}
