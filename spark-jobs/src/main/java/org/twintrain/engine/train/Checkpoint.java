package org.twintrain.engine.train;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
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

    /**
     * A checkpoint file's contents: the backend that wrote it, the run seed, the step, and the params and
     * velocities by name in file order.
     */
    public record Contents(String backend, int fractionalBits, long seed, long step, Map<String, Matrix> params,
            Map<String, Matrix> velocities) {
    }

    static void write(Path path, Arithmetic a, long seed, long step, List<Param> params, Map<String, Matrix> velocities)
            throws IOException {
        Map<String, Matrix> values = new LinkedHashMap<>();
        for (Param p : params) {
            values.put(p.name(), p.value());
        }
        write(path, new Contents(a.name(), a.fractionalBits(), seed, step, values, velocities));
    }

    /**
     * Writes a checkpoint file that a {@link Trainer} of the same backend, seed and model resumes from; the params
     * must come in the model's order. Public for tools that assemble one, such as an experiment that continues a
     * secure run's revealed checkpoint in the fixed-point emulation.
     */
    public static void write(Path path, Contents c) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, path.getFileName().toString(), ".tmp");
        try {
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
                out.writeInt(MAGIC);
                out.writeInt(VERSION);
                out.writeUTF(c.backend());
                out.writeInt(c.fractionalBits());
                out.writeLong(c.seed());
                out.writeLong(c.step());
                for (Map<String, Matrix> group : List.of(c.params(), c.velocities())) {
                    out.writeInt(group.size());
                    for (Map.Entry<String, Matrix> e : group.entrySet()) {
                        out.writeUTF(e.getKey());
                        writeMatrix(out, e.getValue());
                    }
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
        Contents c = read(path);
        if (!c.backend().equals(a.name()) || c.fractionalBits() != a.fractionalBits()) {
            throw new IOException(path + ": written by backend " + c.backend() + " (f=" + c.fractionalBits()
                    + "), resuming on " + a.name() + " (f=" + a.fractionalBits() + ")");
        }
        if (c.seed() != seed) {
            throw new IOException(path + ": written by a run with another seed");
        }
        if (c.params().size() != params.size()) {
            throw new IOException(path + ": " + c.params().size() + " params, the model has " + params.size());
        }
        Iterator<String> names = c.params().keySet().iterator();
        for (Param p : params) {
            String name = names.next();
            if (!name.equals(p.name())) {
                throw new IOException(path + ": param '" + name + "' where the model has '" + p.name() + "'");
            }
            p.set(c.params().get(name));
        }
        velocities.clear();
        velocities.putAll(c.velocities());
        return c.step();
    }

    /** Reads a whole checkpoint file, checking its magic number and version. */
    public static Contents read(Path path) throws IOException {
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
            long seed = in.readLong();
            long step = in.readLong();
            Map<String, Matrix> params = readGroup(in, path);
            Map<String, Matrix> velocities = readGroup(in, path);
            return new Contents(backend, bits, seed, step, params, velocities);
        }
    }

    private static Map<String, Matrix> readGroup(DataInputStream in, Path path) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            throw new IOException(path + ": bad matrix count " + n);
        }
        Map<String, Matrix> group = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            if (group.put(name, readMatrix(in, path)) != null) {
                throw new IOException(path + ": matrix '" + name + "' twice");
            }
        }
        return group;
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
