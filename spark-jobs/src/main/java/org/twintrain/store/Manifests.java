package org.twintrain.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads and writes manifests (JSON through Jackson, which Spark already ships) and checksums files, on any
 * Hadoop file system, so stores may be local folders or {@code hdfs://} roots.
 */
public final class Manifests {
    public static final String MANIFEST = "manifest.json";
    // Map entries by key: a manifest's bytes depend only on its content (Map.of iterates in a per-JVM order), so a
    // replayed step writes the same checkpoint, manifest included, as the run it replays.
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Manifests() {
    }

    public static void write(Path folder, Object manifest, Configuration hadoop) throws IOException {
        FileSystem fs = folder.getFileSystem(hadoop);
        try (OutputStream out = StoreFiles.create(fs, new Path(folder, MANIFEST), false)) {
            JSON.writeValue(out, manifest);
        }
    }

    /** Reads the manifest of a complete folder; a folder without one is incomplete and refused. */
    public static <T> T read(Path folder, Class<T> type, Configuration hadoop) throws IOException {
        Path file = new Path(folder, MANIFEST);
        FileSystem fs = file.getFileSystem(hadoop);
        if (!fs.exists(file)) {
            throw new IllegalArgumentException(folder + " holds no " + MANIFEST
                    + ": it is not a complete store entry (missing, or a run that did not finish)");
        }
        try (InputStream in = fs.open(file)) {
            return JSON.readValue(in, type);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException("malformed manifest " + file + ": " + e.getOriginalMessage(), e);
        }
    }

    public static String sha256(Path file, Configuration hadoop) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        FileSystem fs = file.getFileSystem(hadoop);
        // Megabyte reads: in 8 KB reads, checking a window's gigabytes cost half as much again as the hashing itself.
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = fs.open(file, buffer.length)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    static ObjectMapper json() {
        return JSON;
    }
}
