package org.twintrain.engine.train;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.twintrain.engine.Param;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.DoubleMatrix;
import org.twintrain.sharing.arith.FloatMatrix;
import org.twintrain.sharing.arith.Matrix;
import org.twintrain.sharing.ring.LongMatrix;

/**
 * The checkpoint file, version 1 (big-endian, DataOutputStream):
 * <pre>
 *   int    magic 0x54575443 ("TWTC")
 *   int    version = 1
 *   UTF    backend name; int fractional bits
 *   long   run seed; long global step
 *   int    number of params P, then P times: UTF name, matrix
 *   int    number of velocities V, then V times: UTF param name, matrix
 *   matrix = byte kind ('D' doubles, 'L' ring elements), int rows, int cols, rows*cols values
 * </pre>
 * A matrix is stored as the backend holds it: doubles, fixed-point ring values, or on two parties this party's
 * share (each party writes its own file; nothing is revealed). The generator state is the step counter (see
 * {@link Trainer}). Written to a temporary file in the same directory, then atomically renamed.
 */
public final class Checkpoint {
    static final int MAGIC = 0x54575443;
    static final int VERSION = 1;

    private Checkpoint() {
    }

    static void write(Path path, Arithmetic a, long seed, long step, List<Param> params, Map<String, Matrix> velocities)
            throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, path.getFileName().toString(), ".tmp");
        try {
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
                out.writeInt(MAGIC);
                out.writeInt(VERSION);
                out.writeUTF(a.name());
                out.writeInt(a.fractionalBits());
                out.writeLong(seed);
                out.writeLong(step);
                out.writeInt(params.size());
                for (Param p : params) {
                    out.writeUTF(p.name());
                    writeMatrix(out, p.value());
                }
                out.writeInt(velocities.size());
                for (Map.Entry<String, Matrix> e : velocities.entrySet()) {
                    out.writeUTF(e.getKey());
                    writeMatrix(out, e.getValue());
                }
            }
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Loads into the given params and velocity map; returns the step. */
    static long read(Path path, Arithmetic a, long seed, List<Param> params, Map<String, Matrix> velocities)
            throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(path), 1 << 16))) {
            if (in.readInt() != MAGIC) {
                throw new IOException(path + ": not a TwinTrain checkpoint");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new IOException(path + ": checkpoint version " + version + ", this code reads " + VERSION);
            }
            String backend = in.readUTF();
            int bits = in.readInt();
            if (!backend.equals(a.name()) || bits != a.fractionalBits()) {
                throw new IOException(path + ": written by backend " + backend + " (f=" + bits + "), resuming on "
                        + a.name() + " (f=" + a.fractionalBits() + ")");
            }
            long fileSeed = in.readLong();
            if (fileSeed != seed) {
                throw new IOException(path + ": written by a run with another seed");
            }
            long step = in.readLong();
            int n = in.readInt();
            if (n != params.size()) {
                throw new IOException(path + ": " + n + " params, the model has " + params.size());
            }
            for (Param p : params) {
                String name = in.readUTF();
                if (!name.equals(p.name())) {
                    throw new IOException(path + ": param '" + name + "' where the model has '" + p.name() + "'");
                }
                p.set(readMatrix(in, path));
            }
            velocities.clear();
            int v = in.readInt();
            for (int i = 0; i < v; i++) {
                velocities.put(in.readUTF(), readMatrix(in, path));
            }
            return step;
        }
    }

    private static void writeMatrix(DataOutputStream out, Matrix m) throws IOException {
        if (m instanceof DoubleMatrix d) {
            out.writeByte('D');
            out.writeInt(m.rows());
            out.writeInt(m.cols());
            for (double x : d.data()) {
                out.writeDouble(x);
            }
        } else if (m instanceof FloatMatrix f) {
            out.writeByte('F');
            out.writeInt(m.rows());
            out.writeInt(m.cols());
            for (float x : f.data()) {
                out.writeFloat(x);
            }
        } else if (m instanceof LongMatrix l) {
            out.writeByte('L');
            out.writeInt(m.rows());
            out.writeInt(m.cols());
            for (long x : l.data()) {
                out.writeLong(x);
            }
        } else {
            throw new IllegalArgumentException("checkpoint: cannot store a " + m.getClass().getSimpleName());
        }
    }

    private static Matrix readMatrix(DataInputStream in, Path path) throws IOException {
        int kind = in.readByte();
        int rows = in.readInt();
        int cols = in.readInt();
        if (rows < 0 || cols < 0 || (long) rows * cols > Integer.MAX_VALUE) {
            throw new IOException(path + ": bad matrix shape " + rows + "x" + cols);
        }
        int n = rows * cols;
        if (kind == 'D') {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = in.readDouble();
            }
            return new DoubleMatrix(rows, cols, v);
        }
        if (kind == 'F') {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = in.readFloat();
            }
            return new FloatMatrix(rows, cols, v);
        }
        if (kind == 'L') {
            long[] v = new long[n];
            for (int i = 0; i < n; i++) {
                v[i] = in.readLong();
            }
            return new LongMatrix(rows, cols, v);
        }
        throw new IOException(path + ": unknown matrix kind " + kind);
    }
}
