package org.twintrain.store;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Server 0's half of a shared data set, stored as one 32-byte PRG seed per partition: its share of
 * partition p is the AES-CTR stream of seed p (see {@link DataShares}). Format, version 1: the 8 ASCII bytes
 * {@code TTSEEDS1}, an int count, then count seeds of 32 bytes; big-endian.
 */
public final class SeedFile {
    static final byte[] MAGIC = "TTSEEDS1".getBytes(StandardCharsets.US_ASCII);
    public static final int SEED_BYTES = 32;

    private SeedFile() {
    }

    public static void write(Path file, byte[][] seeds, Configuration hadoop) throws IOException {
        FileSystem fs = file.getFileSystem(hadoop);
        try (DataOutputStream out = new DataOutputStream(StoreFiles.create(fs, file, false))) {
            out.write(MAGIC);
            out.writeInt(seeds.length);
            for (byte[] s : seeds) {
                if (s.length != SEED_BYTES) {
                    throw new IllegalArgumentException("a seed must have " + SEED_BYTES + " bytes");
                }
                out.write(s);
            }
        }
    }

    public static byte[][] read(Path file, Configuration hadoop) throws IOException {
        FileSystem fs = file.getFileSystem(hadoop);
        try (DataInputStream in = new DataInputStream(fs.open(file))) {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IllegalArgumentException(file + " is not a TwinTrain seed file (bad magic at byte 0)");
            }
            int count = in.readInt();
            if (count < 0 || count > 1_000_000) {
                throw new IllegalArgumentException(file + ": implausible seed count at byte 8");
            }
            byte[][] seeds = new byte[count][SEED_BYTES];
            for (int i = 0; i < count; i++) {
                try {
                    in.readFully(seeds[i]);
                } catch (java.io.EOFException e) {
                    throw new IllegalArgumentException(file + " is truncated at seed " + i + " (byte "
                            + (12 + i * SEED_BYTES) + ")", e);
                }
            }
            return seeds;
        }
    }
}
