package org.twintrain.dataprep.format;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Opening local files, gzip detection by magic bytes, and reading with offsets for error messages. */
public final class InputStreams {
    private static final int BUFFER = 1 << 16;

    private InputStreams() {
    }

    /** Opens a local file, buffered; a missing path or a directory is a {@link DataFormatException}. */
    public static InputStream open(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw DataFormatException.of(path.toString(), "no such file");
        }
        if (Files.isDirectory(path)) {
            throw DataFormatException.of(path.toString(), "is a directory, expected a file");
        }
        try {
            return new BufferedInputStream(Files.newInputStream(path), BUFFER);
        } catch (NoSuchFileException e) {
            throw DataFormatException.of(path.toString(), "no such file");
        }
    }

    /**
     * Wraps a stream so that gzip input is decompressed: looks at the first two bytes (0x1f 0x8b) instead of
     * trusting a file name. An empty stream is a {@link DataFormatException}.
     */
    public static InputStream maybeGunzip(InputStream in, String source) throws IOException {
        BufferedInputStream buffered = in instanceof BufferedInputStream b ? b : new BufferedInputStream(in, BUFFER);
        buffered.mark(2);
        int b0 = buffered.read();
        int b1 = buffered.read();
        buffered.reset();
        if (b0 < 0) {
            throw DataFormatException.of(source, "empty file");
        }
        if (b0 == 0x1f && b1 == 0x8b) {
            try {
                return new BufferedInputStream(new GZIPInputStream(buffered, BUFFER), BUFFER);
            } catch (IOException e) {
                throw DataFormatException.of(source, "corrupt gzip header: " + e.getMessage());
            }
        }
        return buffered;
    }

    /** Opens a local file and decompresses it if it is gzip. */
    public static InputStream openMaybeGzip(Path path) throws IOException {
        return maybeGunzip(open(path), path.toString());
    }

    /**
     * Reads up to {@code len} bytes, stopping early only at end of stream.
     *
     * @return the number of bytes read (less than {@code len} only at end of stream)
     */
    public static int readFully(InputStream in, byte[] buf, int off, int len) throws IOException {
        int done = 0;
        while (done < len) {
            int n = in.read(buf, off + done, len - done);
            if (n < 0) {
                break;
            }
            done += n;
        }
        return done;
    }

    /** Skips exactly {@code n} bytes or fails with the offset where the stream ended. */
    public static void skipFully(InputStream in, long n, String source, long startOffset) throws IOException {
        long left = n;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw DataFormatException.atByte(source, startOffset + n - left, "unexpected end of file");
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }

    /** A stream that never closes the one it wraps (for reading tar entries one after another). */
    static InputStream uncloseable(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public void close() {
            }
        };
    }
}
