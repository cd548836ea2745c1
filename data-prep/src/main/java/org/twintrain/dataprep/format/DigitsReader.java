package org.twintrain.dataprep.format;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The UCI optical digits format ({@code optdigits.tra} / {@code optdigits.tes}, and scikit-learn's
 * {@code digits.csv.gz}): one image a line, 64 comma-separated integers 0..16 (an 8x8 image row by row), then the
 * class 0..9; gzipped or not (detected by the magic bytes). Read as a 1x8x8 {@link ImageSet} whose pixel bytes
 * hold the values 0..16 unchanged ({@link #MAX_VALUE} is the scale, not 255). Empty lines are skipped; any other
 * malformed line is a {@link DataFormatException} naming the file, the 1-based line and the field, never a value.
 */
public final class DigitsReader {
    public static final int SIDE = 8;
    public static final int FEATURES = SIDE * SIDE;
    public static final int CLASSES = 10;
    /** The largest pixel value: each pixel counts the set pixels of a 4x4 block. */
    public static final int MAX_VALUE = 16;

    /**
     * The copy of the UCI test part (1,797 images) packed in this module's jar, with its provenance and licence
     * (CC BY 4.0) in {@code PROVENANCE.md} beside it.
     */
    public static final String EMBEDDED = "/twintrain/data/digits/optdigits.csv.gz";

    private DigitsReader() {
    }

    /** Writes the embedded copy ({@link #EMBEDDED}, gzipped, byte for byte) to {@code file}. */
    public static Path writeEmbedded(Path file) throws IOException {
        try (InputStream in = DigitsReader.class.getResourceAsStream(EMBEDDED)) {
            if (in == null) {
                throw new IOException("missing " + EMBEDDED + " on the classpath (broken build)");
            }
            java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
            java.nio.file.Files.copy(in, file);
        }
        return file;
    }

    /** Reads a local file. */
    public static ImageSet read(Path file) throws IOException {
        try (InputStream in = InputStreams.openMaybeGzip(file)) {
            return read(in, file.toString());
        }
    }

    /** Reads every record of a stream (gzip is detected); {@code source} names it in errors. */
    public static ImageSet read(InputStream raw, String source) throws IOException {
        InputStream in = InputStreams.maybeGunzip(raw, source);
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
        java.io.ByteArrayOutputStream pixels = new java.io.ByteArrayOutputStream();
        java.util.List<Integer> labels = new java.util.ArrayList<>();
        byte[] image = new byte[FEATURES];
        String line;
        long number = 0;
        while ((line = lines.readLine()) != null) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            labels.add(parseLine(line, source, number, image));
            pixels.write(image, 0, FEATURES);
        }
        if (labels.isEmpty()) {
            throw DataFormatException.of(source, "no records (expected lines of " + (FEATURES + 1)
                    + " comma-separated integers)");
        }
        int[] l = labels.stream().mapToInt(Integer::intValue).toArray();
        return new ImageSet(l.length, 1, SIDE, SIDE, pixels.toByteArray(), l, CifarReader.numberedNames(CLASSES));
    }

    /** Parses one line into {@code image} (64 values); returns its label. */
    static int parseLine(String line, String source, long number, byte[] image) throws DataFormatException {
        String[] fields = line.split(",", -1);
        if (fields.length != FEATURES + 1) {
            throw DataFormatException.atLine(source, number, fields.length + " fields, expected " + (FEATURES + 1)
                    + " (64 pixels and the class)");
        }
        for (int i = 0; i < FEATURES; i++) {
            int v = integer(fields[i], source, number, i + 1);
            if (v < 0 || v > MAX_VALUE) {
                throw DataFormatException.atLine(source, number, "pixel " + (i + 1) + " is outside 0.." + MAX_VALUE);
            }
            image[i] = (byte) v;
        }
        int label = integer(fields[FEATURES], source, number, FEATURES + 1);
        if (label < 0 || label >= CLASSES) {
            throw DataFormatException.atLine(source, number, "the class is outside 0.." + (CLASSES - 1));
        }
        return label;
    }

    private static int integer(String field, String source, long line, int column) throws DataFormatException {
        String f = field.strip();
        if (f.isEmpty() || f.length() > 3) {
            throw DataFormatException.atLine(source, line, "field " + column + " is not a small whole number");
        }
        int v = 0;
        for (int i = 0; i < f.length(); i++) {
            char c = f.charAt(i);
            if (c < '0' || c > '9') {
                throw DataFormatException.atLine(source, line, "field " + column + " is not a small whole number");
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
