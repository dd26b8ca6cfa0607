package dev.wasmesh.host.module;

import dev.wasmesh.host.GuestLimits;

/**
 * Checks the counts in a module's sections against the bytes that must back them, before Chicory's parser sizes
 * arrays by them: an 8 KiB module whose function type claimed 300 million results made the parser allocate over a
 * gigabyte (found by ModuleLoadFuzzTest). Every vector element takes at least one byte, so a count larger than what
 * is left of its section is malformed; the locals of one function body are capped as V8 and wasmparser cap them.
 * Only what the parser would size by is read; everything else stays the validator's job.
 */
final class ModuleCounts {
    private static final int TYPE = 1;
    private static final int CODE = 10;

    private final byte[] bytes;
    private int pos;

    private ModuleCounts(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * @param bytes a module whose 8-byte header was already checked
     * @return why the module is malformed, or null if its counts fit its bytes
     */
    static String check(byte[] bytes) {
        try {
            return new ModuleCounts(bytes).sections();
        } catch (IndexOutOfBoundsException e) {
            return "a count or a size is malformed or runs past the end of the module";
        }
    }

    private String sections() {
        pos = 8;
        while (pos < bytes.length) {
            int id = bytes[pos++] & 0xff;
            long size = leb();
            long end = pos + size;
            if (end > bytes.length) {
                return "section " + id + " claims " + size + " bytes, more than the module has left";
            }
            if (id >= 1 && id <= 11 && id != 8) { // every section but custom (0) and start (8) begins with a count
                long count = leb();
                if (count > end - pos) {
                    return "section " + id + " claims " + count + " entries in " + size + " bytes";
                }
                String problem = id == TYPE ? types(count, end) : id == CODE ? bodies(count, end) : null;
                if (problem != null) {
                    return problem;
                }
            }
            pos = (int) end;
        }
        return null;
    }

    private String types(long count, long end) {
        for (long i = 0; i < count; i++) {
            if (bytes[pos++] != 0x60) {
                return null; // not a plain function type: the validator will say what it is
            }
            for (String what : new String[] {"parameters", "results"}) {
                long n = leb();
                if (n > end - pos) {
                    return "function type " + i + " claims " + n + " " + what + ", more than its section holds";
                }
                pos += (int) n;
            }
        }
        return null;
    }

    private String bodies(long count, long end) {
        for (long i = 0; i < count; i++) {
            long size = leb();
            long bodyEnd = pos + size;
            if (bodyEnd > end) {
                return "function body " + i + " runs past the code section";
            }
            long entries = leb();
            if (entries > bodyEnd - pos) {
                return "function body " + i + " claims " + entries + " local declarations in " + size + " bytes";
            }
            long locals = 0;
            for (long e = 0; e < entries; e++) {
                locals += leb();
                pos++; // the type
                if (locals > GuestLimits.FUNCTION_MAX_LOCALS) {
                    return "function body " + i + " declares more than " + GuestLimits.FUNCTION_MAX_LOCALS + " locals";
                }
            }
            pos = (int) bodyEnd;
        }
        return null;
    }

    /** An unsigned LEB128 of up to 32 bits. */
    private long leb() {
        long result = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            int b = bytes[pos++] & 0xff;
            result |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new IndexOutOfBoundsException("LEB128 too long");
    }
}
