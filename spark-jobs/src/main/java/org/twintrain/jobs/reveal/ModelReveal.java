package org.twintrain.jobs.reveal;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.twintrain.sharing.arith.DoubleMatrix;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.ring.LongMatrix;
import org.twintrain.store.Manifests;
import org.twintrain.store.ModelShareManifest;
import org.twintrain.store.StoreLayout;
import org.twintrain.store.TensorFile;

/**
 * Reconstructs a trained model from the two servers' shares: the model owner is the one party that receives
 * both. Refuses shares of different runs, sessions or encodings, and checks each file's checksum first.
 */
public final class ModelReveal {
    private ModelReveal() {
    }

    /** The cleartext model: parameters by name, as doubles, plus where they came from. */
    public record RevealedParameters(ModelShareManifest provenance, Map<String, DoubleMatrix> parameters) {
    }

    public static RevealedParameters reveal(StoreLayout store0, StoreLayout store1, String runId, Configuration hadoop)
            throws IOException {
        return reveal(store0.model(runId), store1.model(runId), runId, hadoop);
    }

    /**
     * The same from the two model-share folders themselves ({@code STORE/model/RUN} as each server hands it to the
     * model owner when each server runs its own application); both manifests must name runId.
     */
    public static RevealedParameters reveal(Path folder0, Path folder1, String runId, Configuration hadoop)
            throws IOException {
        ModelShareManifest m0 = Manifests.read(folder0, ModelShareManifest.class, hadoop);
        ModelShareManifest m1 = Manifests.read(folder1, ModelShareManifest.class, hadoop);
        if (!m0.runId().equals(runId)) {
            throw new IllegalArgumentException("model share in " + folder0 + " is of run " + m0.runId() + ", not " + runId);
        }
        if (m0.party() != 0 || m1.party() != 1) {
            throw new IllegalArgumentException("model " + runId + ": expected party 0's share in " + folder0
                    + " and party 1's in " + folder1 + ", found parties " + m0.party() + " and " + m1.party());
        }
        if (!m0.runId().equals(m1.runId()) || !m0.sessionId().equals(m1.sessionId())) {
            throw new IllegalArgumentException("model shares in " + folder0 + " and " + folder1
                    + " belong to different runs or sharing sessions; they cannot be combined");
        }
        if (m0.fractionalBits() != m1.fractionalBits() || !m0.tensors().equals(m1.tensors())) {
            throw new IllegalArgumentException("model shares of run " + runId + " differ in encoding or parameters");
        }
        return new RevealedParameters(m0, decodeSums(m0.tensors(), readShare(folder0, m0, hadoop),
                readShare(folder1, m1, hadoop), new FixedPoint(m0.fractionalBits())));
    }

    /** The named parameters of two model shares added in the ring and decoded. */
    static Map<String, DoubleMatrix> decodeSums(List<String> names, Map<String, LongMatrix> share0,
            Map<String, LongMatrix> share1, FixedPoint codec) {
        Map<String, LongMatrix> sums = new LinkedHashMap<>();
        for (String name : names) {
            sums.put(name, share0.get(name).add(share1.get(name)));
        }
        return decode(sums, codec);
    }

    /** Revealed ring values decoded from fixed point, in the given order. */
    static Map<String, DoubleMatrix> decode(Map<String, LongMatrix> ringValues, FixedPoint codec) {
        Map<String, DoubleMatrix> out = new LinkedHashMap<>();
        ringValues.forEach((name, v) -> out.put(name, new DoubleMatrix(v.rows(), v.cols(), codec.decode(v.data()))));
        return out;
    }

    private static Map<String, LongMatrix> readShare(Path folder, ModelShareManifest m, Configuration hadoop)
            throws IOException {
        Path file = new Path(folder, "share.bin");
        String expected = m.checksums().get("share.bin");
        String actual = Manifests.sha256(file, hadoop);
        if (!actual.equals(expected)) {
            throw new IllegalArgumentException(file + " does not match the checksum in its manifest: damaged or replaced");
        }
        try (InputStream in = file.getFileSystem(hadoop).open(file)) {
            Map<String, LongMatrix> t = TensorFile.read(in, file.toString());
            if (!t.keySet().equals(new java.util.LinkedHashSet<>(m.tensors()))) {
                throw new IllegalArgumentException(file + " holds other parameters than its manifest lists");
            }
            return t;
        }
    }
}
