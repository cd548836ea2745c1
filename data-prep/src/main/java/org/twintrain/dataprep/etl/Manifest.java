package org.twintrain.dataprep.etl;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The manifest of a prepared set: {@code manifest.json} beside {@code data/}. Format version
 * {@value #FORMAT_VERSION}; its fields:
 * <ul>
 *   <li>{@code formatVersion}, {@code dataset} (cifar10, cifar100, mnist, text), {@code createdAt} (UTC);</li>
 *   <li>{@code parameters}: the job's options;</li>
 *   <li>{@code sources}: every input file read, with {@code path}, {@code bytes}, {@code sha256};</li>
 *   <li>{@code schema}: the Spark schema (JSON) of the Parquet rows, {@code layout}: how they are stored;</li>
 *   <li>{@code splits}: per split its {@code count}, and {@code classCounts} (images) or {@code bucketCounts}
 *       (text);</li>
 *   <li>images: {@code classNames}, {@code image} (channels, height, width, featureLength),
 *       {@code normalization} (per-channel mean and std of features on the training split only);</li>
 *   <li>text: {@code vocabulary} (files, sizes, special ids), {@code tokenizer}.</li>
 * </ul>
 */
public final class Manifest {
    public static final int FORMAT_VERSION = 1;
    public static final String FILE = "manifest.json";
    public static final String DATA = "data";

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Manifest() {
    }

    static ObjectNode newManifest(String dataset, PrepOptions options) {
        ObjectNode m = JSON.createObjectNode();
        m.put("formatVersion", FORMAT_VERSION);
        m.put("dataset", dataset);
        m.put("createdAt", java.time.Instant.now().toString());
        m.set("parameters", JSON.valueToTree(options.asMap()));
        return m;
    }

    static void write(ObjectNode manifest, Path folder, Configuration conf) throws IOException {
        FileSystem fs = folder.getFileSystem(conf);
        try (OutputStream out = fs.create(new Path(folder, FILE), false)) {
            JSON.writeValue(out, manifest);
        }
    }

    static ObjectNode read(Path folder, Configuration conf) throws IOException {
        Path file = new Path(folder, FILE);
        try (InputStream in = file.getFileSystem(conf).open(file)) {
            return (ObjectNode) JSON.readTree(in);
        }
    }

    /** SHA-256 of a file, hex. */
    static String sha256(FileSystem fs, Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[1 << 16];
        try (InputStream in = fs.open(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                digest.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
