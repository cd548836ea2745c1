package org.twintrain.jobs.audit;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The isolation audit's search for secrets in bytes. A scanner holds named secrets and reports every place where
 * one occurs in a file. What it searches, per kind of secret:
 * <ul>
 *   <li>{@link #addRing ring elements} (shares, fixed-point encodings): the 8-byte big- and little-endian
 *       encodings at every byte offset, and in text the decimal form (signed or unsigned) and the hex form (any
 *       case, with or without leading zeros, also inside longer hex runs). Only values with |v| >= 2^20 (as a
 *       signed long) are kept: smaller ones turn up by chance as counters and sizes; they are counted in
 *       {@link #skipped()}.</li>
 *   <li>{@link #addWord words}: 8-byte strings searched in their given byte order only (a seed's or a private
 *       key's words, pairs of consecutive float features), and as hex/decimal text of the word.</li>
 *   <li>{@link #addDecimal decimals}: numbers written in text with a fractional part or an exponent and at least
 *       {@link #MIN_DIGITS} significant digits that round to the secret (features; shares decoded as fixed
 *       point).</li>
 *   <li>{@link #addBytes byte strings}: exact strings of at least 8 bytes (a seed's base64, a key's PEM lines, a
 *       label vector as bytes, ints, longs or floats), and {@link #addDigitSequence digit sequences}: a vector
 *       of single-digit numbers (labels) written in text with any short separators, or as one digit string.</li>
 * </ul>
 * Files are scanned as they are on disk; compressed containers must be decoded by the caller (the audit decodes
 * Parquet with Spark and scans the decoded values too).
 */
final class LeakScanner {
    static final long MIN_MAGNITUDE = 1L << 20;
    static final int MIN_DIGITS = 7;
    /** Most separator characters between two numbers of a printed digit sequence (", " or "], [" ...). */
    private static final int MAX_SEPARATOR = 4;
    private static final int FILTER_BITS = 27;

    private static final Pattern INTEGER = Pattern.compile("-?[0-9]{7,}");
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{6,}");
    private static final Pattern DECIMAL = Pattern.compile("-?[0-9]+(?:\\.[0-9]+(?:[eE][-+]?[0-9]+)?|[eE][-+]?[0-9]+)");

    /** One occurrence: which secret, in which encoding, in which file and at which byte offset. */
    record Finding(String secret, String encoding, String where, long offset) {
        @Override
        public String toString() {
            return secret + " as " + encoding + " in " + where + " at offset " + offset;
        }
    }

    private record Word(String name, boolean bothOrders) {
    }

    private record Bytes(String name, byte[] bytes, long prefix) {
    }

    private final Map<Long, Word> words = new HashMap<>();
    private final long[] filter = new long[(1 << FILTER_BITS) / 64];
    private final TreeMap<Double, String> decimals = new TreeMap<>();
    private final Map<Long, List<Bytes>> byteStrings = new HashMap<>();
    private final long[] prefixFilter = new long[(1 << FILTER_BITS) / 64];
    private final Map<String, String> digitSequences = new HashMap<>();
    private final Map<String, Integer> counts = new TreeMap<>();
    private int skipped;
    private long scannedBytes;

    /** A ring element: searched as 8 bytes in both byte orders and as decimal and hex text; |v| < 2^20 skipped. */
    LeakScanner addRing(String name, long v) {
        if (v > -MIN_MAGNITUDE && v < MIN_MAGNITUDE) {
            skipped++;
            return this;
        }
        return putWord(name, v, true);
    }

    LeakScanner addRing(String name, long[] values) {
        for (long v : values) {
            addRing(name, v);
        }
        return this;
    }

    /** 8 bytes (as a big-endian long) searched in this byte order only, and as the hex/decimal text of the word. */
    LeakScanner addWord(String name, long bigEndian) {
        return putWord(name, bigEndian, false);
    }

    /** Every 8 consecutive bytes of a secret byte string (a seed, a key) as {@link #addWord words}. */
    LeakScanner addSecretBytes(String name, byte[] secret) {
        ByteBuffer b = ByteBuffer.wrap(secret);
        for (int i = 0; i + 8 <= secret.length; i++) {
            putWord(name, b.getLong(i), false);
        }
        return this;
    }

    /** A number whose decimal text (>= MIN_DIGITS significant digits, with a fraction or exponent) is searched. */
    LeakScanner addDecimal(String name, double v) {
        decimals.putIfAbsent(v, name);
        count(name + " (decimal text)");
        return this;
    }

    /** An exact byte string of at least 8 bytes. */
    LeakScanner addBytes(String name, byte[] bytes) {
        if (bytes.length < 8) {
            throw new IllegalArgumentException(name + ": byte strings shorter than 8 bytes would match by chance");
        }
        long prefix = ByteBuffer.wrap(bytes).getLong(0);
        byteStrings.computeIfAbsent(prefix, k -> new ArrayList<>()).add(new Bytes(name, bytes.clone(), prefix));
        int h = slot(prefix);
        prefixFilter[h >>> 6] |= 1L << h;
        count(name);
        return this;
    }

    LeakScanner addText(String name, String text) {
        return addBytes(name, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A vector of single digits (labels): found as a run of one-digit numbers separated by at most
     * {@value #MAX_SEPARATOR} non-digit characters each, or as one digit string.
     */
    LeakScanner addDigitSequence(String name, int[] digits) {
        StringBuilder sb = new StringBuilder();
        for (int d : digits) {
            if (d < 0 || d > 9) {
                throw new IllegalArgumentException(name + ": only single digits form a digit sequence");
            }
            sb.append((char) ('0' + d));
        }
        digitSequences.put(sb.toString(), name);
        addText(name + " (as one digit string)", sb.toString());
        return this;
    }

    /** How many values of each named secret the scanner holds (for the audit report). */
    Map<String, Integer> counts() {
        return counts;
    }

    /** Bytes scanned so far. */
    long scannedBytes() {
        return scannedBytes;
    }

    /** Ring elements left out because |v| < 2^20. */
    int skipped() {
        return skipped;
    }

    private LeakScanner putWord(String name, long v, boolean bothOrders) {
        if (words.putIfAbsent(v, new Word(name, bothOrders)) == null) {
            int h = slot(v);
            filter[h >>> 6] |= 1L << h;
            if (bothOrders) {
                int r = slot(Long.reverseBytes(v));
                filter[r >>> 6] |= 1L << r;
            }
        }
        count(name);
        return this;
    }

    private void count(String name) {
        counts.merge(name, 1, Integer::sum);
    }

    private static int slot(long v) {
        long h = v * 0x9E3779B97F4A7C15L;
        return (int) (h >>> (64 - FILTER_BITS));
    }

    private boolean maybe(long v) {
        int h = slot(v);
        // A bit filter in front of the map: most positions of a file are rejected without boxing a Long.
        return (filter[h >>> 6] & (1L << h)) != 0;
    }

    /** Every file under the folders (recursively), each scanned whole. */
    List<Finding> scanTree(Path... roots) throws IOException {
        List<Finding> out = new ArrayList<>();
        for (Path root : roots) {
            if (!Files.exists(root)) {
                continue;
            }
            List<Path> files;
            try (Stream<Path> s = Files.walk(root)) {
                files = s.filter(Files::isRegularFile).sorted().toList();
            }
            for (Path f : files) {
                out.addAll(scan(f.toString(), Files.readAllBytes(f)));
            }
        }
        return out;
    }

    List<Finding> scan(String where, String text) {
        return scan(where, text.getBytes(StandardCharsets.UTF_8));
    }

    List<Finding> scan(String where, byte[] data) {
        List<Finding> out = new ArrayList<>();
        scannedBytes += data.length;
        scanBinary(where, data, out);
        scanText(where, new String(data, StandardCharsets.ISO_8859_1), out);
        return out;
    }

    private void scanBinary(String where, byte[] data, List<Finding> out) {
        ByteBuffer b = ByteBuffer.wrap(data);
        for (int i = 0; i + 8 <= data.length; i++) {
            long be = b.getLong(i);
            if (maybe(be)) {
                Word w = words.get(be);
                if (w != null) {
                    out.add(new Finding(w.name(), w.bothOrders() ? "8 bytes big-endian" : "bytes", where, i));
                }
            }
            long le = Long.reverseBytes(be);
            if (maybe(le)) {
                Word w = words.get(le);
                if (w != null && w.bothOrders()) {
                    out.add(new Finding(w.name(), "8 bytes little-endian", where, i));
                }
            }
            int h = slot(be);
            List<Bytes> candidates = (prefixFilter[h >>> 6] & (1L << h)) == 0 ? null : byteStrings.get(be);
            if (candidates != null) {
                for (Bytes s : candidates) {
                    if (matchesAt(data, i, s.bytes())) {
                        out.add(new Finding(s.name(), "byte string", where, i));
                    }
                }
            }
        }
    }

    private static boolean matchesAt(byte[] data, int at, byte[] pattern) {
        if (at + pattern.length > data.length) {
            return false;
        }
        for (int j = 8; j < pattern.length; j++) {
            if (data[at + j] != pattern[j]) {
                return false;
            }
        }
        return true;
    }

    private void scanText(String where, String text, List<Finding> out) {
        Matcher m = INTEGER.matcher(text);
        while (m.find()) {
            BigInteger n = new BigInteger(m.group());
            if (n.bitLength() <= 64 && (n.signum() >= 0 || n.bitLength() <= 63)) {
                word(n.longValue(), "decimal text", where, m.start(), out);
            }
        }
        m = HEX.matcher(text);
        while (m.find()) {
            String run = m.group();
            if (run.length() <= 16) {
                word(Long.parseUnsignedLong(run, 16), "hex text", where, m.start(), out);
            } else {
                for (int i = 0; i + 16 <= run.length(); i++) {
                    word(Long.parseUnsignedLong(run.substring(i, i + 16), 16), "hex text", where, m.start() + i, out);
                }
            }
        }
        if (!decimals.isEmpty()) {
            m = DECIMAL.matcher(text);
            while (m.find()) {
                decimal(m.group(), where, m.start(), out);
            }
        }
        if (!digitSequences.isEmpty()) {
            digitRuns(text, where, out);
        }
    }

    private void word(long v, String encoding, String where, long at, List<Finding> out) {
        Word w = words.get(v);
        if (w != null) {
            out.add(new Finding(w.name(), encoding, where, at));
        }
    }

    /** A number token that rounds to a secret at the token's own precision. */
    private void decimal(String token, String where, long at, List<Finding> out) {
        String mantissa = token.replaceFirst("[eE].*", "");
        if (!mantissa.contains(".") && mantissa.length() == token.length()) {
            return; // an integer: not a decimal rendering of a real number
        }
        String digits = mantissa.replace("-", "").replace(".", "").replaceFirst("^0+", "");
        int printed = digits.length();
        if (digits.replaceFirst("0+$", "").length() < MIN_DIGITS) {
            return;
        }
        double value = Double.parseDouble(token);
        if (value == 0 || !Double.isFinite(value)) {
            return;
        }
        // Half a unit in the last printed digit, plus a little for the binary value behind the text.
        double unit = Math.pow(10, Math.floor(Math.log10(Math.abs(value))) - printed + 1);
        double tolerance = unit / 2 + Math.abs(value) * 1e-15;
        Map.Entry<Double, String> lo = decimals.floorEntry(value);
        Map.Entry<Double, String> hi = decimals.ceilingEntry(value);
        for (Map.Entry<Double, String> e : new Map.Entry[] {lo, hi}) {
            if (e != null && Math.abs(e.getKey() - value) <= tolerance) {
                out.add(new Finding(e.getValue(), "decimal text '" + token + "'", where, at));
                return;
            }
        }
    }

    /** Runs of single-digit numbers with short separators, each compared with the digit sequences. */
    private void digitRuns(String text, String where, List<Finding> out) {
        StringBuilder run = new StringBuilder();
        int runStart = -1;
        int lastEnd = -1;
        for (int i = 0; i < text.length(); ) {
            if (!isDigit(text.charAt(i))) {
                i++;
                continue;
            }
            int end = i + 1;
            while (end < text.length() && isDigit(text.charAt(end))) {
                end++;
            }
            boolean single = end - i == 1;
            boolean continues = single && run.length() > 0 && i - lastEnd <= MAX_SEPARATOR;
            if (!continues) {
                checkRun(run, runStart, where, out);
                run.setLength(0);
                runStart = i;
            }
            if (single) {
                run.append(text.charAt(i));
            }
            lastEnd = end;
            i = end;
        }
        checkRun(run, runStart, where, out);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private void checkRun(CharSequence run, int start, String where, List<Finding> out) {
        if (run.length() < 8) {
            return;
        }
        String s = run.toString();
        for (Map.Entry<String, String> e : digitSequences.entrySet()) {
            if (s.contains(e.getKey())) {
                out.add(new Finding(e.getValue(), "printed digit sequence", where, start));
            }
        }
    }
}
