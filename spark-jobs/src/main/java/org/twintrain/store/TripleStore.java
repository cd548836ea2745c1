package org.twintrain.store;

import java.io.IOException;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.twintrain.sharing.protocol.TruncationMode;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.triples.ByteSource;
import org.twintrain.sharing.triples.StoredTripleSource;
import org.twintrain.sharing.triples.TripleLedger;

/**
 * Opens one server's stored triples ({@link StoreLayout#triples}) on any Hadoop file system: checks the
 * manifest (complete folder, format version, party, plan, fixed-point parameters, optionally checksums) and
 * hands the folder to the Spark-free {@link StoredTripleSource}, which checks the file headers again.
 */
public final class TripleStore {
    private TripleStore() {
    }

    /** Reads the manifest of store's triples of planId and checks that they are party's and planId's. */
    public static TripleManifest manifest(StoreLayout store, int party, String planId, Configuration hadoop)
            throws IOException {
        Path folder = store.triples(planId);
        TripleManifest m = Manifests.read(folder, TripleManifest.class, hadoop);
        if (m.formatVersion() != TripleManifest.FORMAT_VERSION) {
            throw new IllegalArgumentException(folder + " has triple format version " + m.formatVersion()
                    + "; this reader knows version " + TripleManifest.FORMAT_VERSION);
        }
        if (m.party() != party) {
            throw new IllegalArgumentException(folder + " holds party " + m.party() + "'s triples, not party " + party
                    + "'s: each server reads only its own store");
        }
        if (!m.planId().equals(planId)) {
            throw new IllegalArgumentException(folder + " holds triples made for plan " + m.planId() + ", not for plan "
                    + planId);
        }
        if (m.sessionId() == null || m.sessionId().isEmpty()) {
            throw new IllegalArgumentException(folder + " has no triple session id (made by an older TwinTrain); make"
                    + " the triples again with submit/twintrain triples");
        }
        return m;
    }

    /**
     * Opens party's triples of planId in store for a run with codec's fractional bits and the given truncation
     * mode.
     *
     * @param ledger          this party's ledger of the plan, or null
     * @param verifyChecksums whether to read every file once and compare it with the manifest's SHA-256
     */
    public static StoredTripleSource open(StoreLayout store, int party, String planId, FixedPoint codec,
            TruncationMode truncation, TripleLedger ledger, boolean verifyChecksums, Configuration hadoop)
            throws IOException {
        TripleManifest m = manifest(store, party, planId, hadoop);
        Path folder = store.triples(planId);
        if (m.fractionalBits() != codec.fractionalBits() || !m.truncation().equals(truncation.name())) {
            throw new IllegalArgumentException("the triples in " + folder + " were made for " + m.fractionalBits()
                    + " fractional bits and truncation " + m.truncation() + ", but the run uses "
                    + codec.fractionalBits() + " and " + truncation + "; make triples for the run's setting");
        }
        if (verifyChecksums) {
            verify(m, folder, hadoop);
        }
        return StoredTripleSource.open(byteSource(folder, hadoop), party, codec, truncation, planId, ledger);
    }

    /**
     * Opens party's triples of a plan dealt window by window (its plan folder's manifest is windowed): the plan
     * from the plan folder, each window when the run reaches it ({@link TripleWindows#opener}, which verifies
     * every window's checksums).
     *
     * @param verifyChecksums whether to compare the plan folder's files with its manifest's SHA-256 (false when
     *                        the caller verified them, as {@link #verify} before pairing)
     */
    public static StoredTripleSource openWindows(StoreLayout store, int party, String planId, FixedPoint codec,
            TruncationMode truncation, TripleLedger ledger, java.time.Duration wait, TripleWindows.Agreement agreement,
            boolean verifyChecksums, Configuration hadoop) throws IOException {
        TripleManifest m = manifest(store, party, planId, hadoop);
        Path folder = store.triples(planId);
        if (!m.windowed()) {
            throw new IllegalArgumentException(folder + " holds plan " + planId + " dealt whole, not in windows");
        }
        if (verifyChecksums) {
            verify(m, folder, hadoop);
        }
        org.twintrain.sharing.triples.TriplePlan plan;
        try (ByteSource planFolder = byteSource(folder, hadoop)) {
            plan = org.twintrain.sharing.triples.TriplePlan.read(new java.io.ByteArrayInputStream(planFolder.readAll(
                    org.twintrain.sharing.triples.TripleFile.PLAN_FILE)), planId);
        }
        return StoredTripleSource.openWindows(plan, m.windowSteps(), party, codec, truncation,
                TripleWindows.opener(store, party, m, wait, agreement, hadoop), ledger);
    }

    /**
     * Reads every file of party's triples of planId once and compares it with the manifest's SHA-256; refuses a
     * changed or damaged file. Returns the bytes read.
     */
    public static long verify(StoreLayout store, int party, String planId, Configuration hadoop) throws IOException {
        TripleManifest m = manifest(store, party, planId, hadoop);
        return verify(m, store.triples(planId), hadoop);
    }

    /** Reads every file of folder once and compares it with its manifest m's SHA-256. Returns the bytes read. */
    static long verify(TripleManifest m, Path folder, Configuration hadoop) throws IOException {
        long bytes = 0;
        for (Map.Entry<String, String> e : m.checksums().entrySet()) {
            Path file = new Path(folder, e.getKey());
            String actual;
            try {
                actual = Manifests.sha256(file, hadoop);
            } catch (org.apache.hadoop.fs.ChecksumException damaged) {
                actual = "damaged"; // the file system's own checksum caught it first
            }
            if (!actual.equals(e.getValue())) {
                throw new IllegalArgumentException(file + " does not match the checksum in its manifest: the file was"
                        + " changed or damaged; make the triples again");
            }
            bytes += file.getFileSystem(hadoop).getFileStatus(file).getLen();
        }
        return bytes;
    }

    /**
     * Refuses triples whose fixed-point parameters differ from the shared data's: the run would truncate with
     * pairs made for another f, and the servers would compute garbage.
     */
    public static void checkMatchesData(TripleManifest triples, DataShareManifest data) {
        if (triples.party() != data.party()) {
            throw new IllegalArgumentException("triples of party " + triples.party() + " paired with party "
                    + data.party() + "'s data half");
        }
        if (triples.fractionalBits() != data.fractionalBits()) {
            throw new IllegalArgumentException("data set " + data.datasetId() + " was shared with "
                    + data.fractionalBits() + " fractional bits, but the triples of plan " + triples.planId()
                    + " were made for " + triples.fractionalBits() + "; share the data and make the triples with the "
                    + "same ring.fractionalBits");
        }
    }

    /**
     * A Hadoop folder as a {@link ByteSource}: one stream per file kept open until the source is closed, each
     * record read by seeking it ({@link HadoopFolderSource}).
     */
    public static ByteSource byteSource(Path folder, Configuration hadoop) throws IOException {
        return new HadoopFolderSource(folder.getFileSystem(hadoop), folder);
    }
}
