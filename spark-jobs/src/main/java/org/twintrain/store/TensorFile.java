package org.twintrain.store;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.twintrain.sharing.ring.LongMatrix;

/**
 * A named list of ring matrices: a server's model share, or a revealed fixed-point model. Format, version 1,
 * big-endian: the 8 ASCII bytes {@code TTTENSR1}, an int count, then per matrix its name (Java modified
 * UTF-8), int rows, int cols and rows*cols longs. Readers check the magic, every length and the end of the
 * stream, and name the byte offset of what is wrong.
 */
public final class TensorFile {
    static final byte[] MAGIC = "TTTENSR1".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_ENTRIES = 1 << 20;

    private TensorFile() {
    }

    public static void write(OutputStream raw, Map<String, LongMatrix> tensors) throws IOException {
        DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(raw, 1 << 16));
        out.write(MAGIC);
        out.writeInt(tensors.size());
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        for (Map.Entry<String, LongMatrix> e : tensors.entrySet()) {
            LongMatrix m = e.getValue();
            out.writeUTF(e.getKey());
            out.writeInt(m.rows());
            out.writeInt(m.cols());
            long[] d = m.data();
            for (int i = 0; i < d.length; ) {
                buf.clear();
                int n = Math.min(buf.capacity() / 8, d.length - i);
                buf.asLongBuffer().put(d, i, n);
                out.write(buf.array(), 0, n * 8);
                i += n;
            }
        }
        out.flush();
    }

    /** @param source names the file in error messages */
    public static Map<String, LongMatrix> read(InputStream raw, String source) throws IOException {
        CountingInput counter = new CountingInput(new java.io.BufferedInputStream(raw, 1 << 16));
        DataInputStream in = new DataInputStream(counter);
        try {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IllegalArgumentException(source + ": not a TwinTrain tensor file (bad magic at byte 0)");
            }
            int count = in.readInt();
            if (count < 0 || count > MAX_ENTRIES) {
                throw new IllegalArgumentException(source + ": implausible tensor count at byte 8");
            }
            Map<String, LongMatrix> out = new LinkedHashMap<>();
            byte[] bytes = new byte[1 << 16];
            for (int t = 0; t < count; t++) {
                long at = counter.count;
                String name = in.readUTF();
                int rows = in.readInt();
                int cols = in.readInt();
                if (rows < 0 || cols < 0 || (long) rows * cols > Integer.MAX_VALUE - 8) {
                    throw new IllegalArgumentException(source + ": bad shape of tensor '" + name + "' at byte " + at);
                }
                long[] d = new long[rows * cols];
                for (int i = 0; i < d.length; ) {
                    int n = Math.min(bytes.length / 8, d.length - i);
                    in.readFully(bytes, 0, n * 8);
                    ByteBuffer.wrap(bytes, 0, n * 8).asLongBuffer().get(d, i, n);
                    i += n;
                }
                if (out.put(name, new LongMatrix(rows, cols, d)) != null) {
                    throw new IllegalArgumentException(source + ": tensor '" + name + "' appears twice (byte " + at + ")");
                }
            }
            if (in.read() != -1) {
                throw new IllegalArgumentException(source + ": unexpected bytes after the last tensor at byte " + (counter.count - 1));
            }
            return out;
        } catch (EOFException e) {
            throw new IllegalArgumentException(source + ": truncated at byte " + counter.count, e);
        }
    }

    private static final class CountingInput extends java.io.FilterInputStream {
        long count;

        CountingInput(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
