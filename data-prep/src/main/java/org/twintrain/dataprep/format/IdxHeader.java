package org.twintrain.dataprep.format;

import java.io.IOException;
import java.io.InputStream;

/**
 * The header of an IDX file of unsigned bytes: magic {@code 0x0000 08 NN} (type 0x08, NN dimensions), then NN
 * big-endian 32-bit sizes. MNIST images have magic 2051 (3 dims: count, rows, cols), labels 2049 (1 dim: count).
 */
public record IdxHeader(int magic, int[] dims) {
    public static final int IMAGES_MAGIC = 2051;
    public static final int LABELS_MAGIC = 2049;

    /** Bytes of the header: 4 for the magic plus 4 per dimension. */
    public int size() {
        return 4 + 4 * dims.length;
    }

    /** Number of records (the first dimension). */
    public int count() {
        return dims[0];
    }

    /** Bytes per record: the product of the dimensions after the first. */
    public int recordSize() {
        int size = 1;
        for (int i = 1; i < dims.length; i++) {
            size *= dims[i];
        }
        return size;
    }

    /**
     * Reads and checks a header.
     *
     * @param expectedMagic {@link #IMAGES_MAGIC} or {@link #LABELS_MAGIC}
     */
    public static IdxHeader read(InputStream in, String source, int expectedMagic) throws IOException {
        byte[] word = new byte[4];
        int magic = readInt(in, source, 0, word);
        if (magic != expectedMagic) {
            throw DataFormatException.atByte(source, 0, "wrong IDX magic " + magic + ", expected " + expectedMagic
                    + (expectedMagic == IMAGES_MAGIC ? " (images)" : " (labels)"));
        }
        int[] dims = new int[magic & 0xFF];
        for (int i = 0; i < dims.length; i++) {
            long at = 4 + 4L * i;
            dims[i] = readInt(in, source, at, word);
            if (dims[i] <= 0 || (i > 0 && dims[i] > 65536)) {
                throw DataFormatException.atByte(source, at, "bad IDX dimension " + i + " = " + dims[i]);
            }
        }
        IdxHeader header = new IdxHeader(magic, dims);
        if ((long) header.count() * header.recordSize() > Integer.MAX_VALUE - 64) {
            throw DataFormatException.atByte(source, 4, "IDX data of " + header.count() + " records of "
                    + header.recordSize() + " bytes is too large for one array");
        }
        return header;
    }

    private static int readInt(InputStream in, String source, long at, byte[] word) throws IOException {
        int n = InputStreams.readFully(in, word, 0, 4);
        if (n == 0 && at == 0) {
            throw DataFormatException.of(source, "empty file");
        }
        if (n < 4) {
            throw DataFormatException.atByte(source, at + n, "truncated IDX header");
        }
        return ((word[0] & 0xFF) << 24) | ((word[1] & 0xFF) << 16) | ((word[2] & 0xFF) << 8) | (word[3] & 0xFF);
    }
}
