package org.twintrain.dataprep.format;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/** Reads IDX files of unsigned bytes, gzipped or not (decided by the gzip magic bytes). */
public final class IdxReader {
    private IdxReader() {
    }

    /** Images of an IDX3 file: {@code count} images of {@code rows x cols} bytes, row-major. */
    public record Images(int count, int rows, int cols, byte[] pixels) {
    }

    /** Reads an images file (magic 2051, three dimensions). */
    public static Images readImages(Path path) throws IOException {
        try (InputStream in = InputStreams.openMaybeGzip(path)) {
            return readImages(in, path.toString());
        }
    }

    /** Reads an images file from a (decompressed) stream. */
    public static Images readImages(InputStream in, String source) throws IOException {
        IdxHeader header = IdxHeader.read(in, source, IdxHeader.IMAGES_MAGIC);
        byte[] pixels = readBody(in, source, header);
        return new Images(header.count(), header.dims()[1], header.dims()[2], pixels);
    }

    /** Reads a labels file (magic 2049, one dimension) as unsigned values. */
    public static int[] readLabels(Path path) throws IOException {
        try (InputStream in = InputStreams.openMaybeGzip(path)) {
            return readLabels(in, path.toString());
        }
    }

    /** Reads a labels file from a (decompressed) stream. */
    public static int[] readLabels(InputStream in, String source) throws IOException {
        IdxHeader header = IdxHeader.read(in, source, IdxHeader.LABELS_MAGIC);
        byte[] bytes = readBody(in, source, header);
        int[] labels = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            labels[i] = bytes[i] & 0xFF;
        }
        return labels;
    }

    private static byte[] readBody(InputStream in, String source, IdxHeader header) throws IOException {
        int recordSize = header.recordSize();
        byte[] body = new byte[header.count() * recordSize];
        int n = InputStreams.readFully(in, body, 0, body.length);
        if (n < body.length) {
            long record = n / recordSize;
            throw DataFormatException.atByte(source, header.size() + record * recordSize,
                    "truncated IDX data: record " + record + " of " + header.count() + " incomplete");
        }
        if (in.read() >= 0) {
            throw DataFormatException.atByte(source, header.size() + (long) body.length,
                    "trailing bytes after " + header.count() + " records");
        }
        return body;
    }
}
