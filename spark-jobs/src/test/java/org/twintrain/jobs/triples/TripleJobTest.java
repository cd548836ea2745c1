package org.twintrain.jobs.triples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.twintrain.jobs.LocalSpark;
import org.twintrain.sharing.arith.Matrix;
import org.twintrain.sharing.protocol.TruncationMode;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.ring.LongMatrix;
import org.twintrain.sharing.triples.Dealer;
import org.twintrain.sharing.triples.MissingTripleException;
import org.twintrain.sharing.triples.StoredTripleSource;
import org.twintrain.sharing.triples.TripleFile;
import org.twintrain.sharing.triples.TripleKey;
import org.twintrain.sharing.triples.TriplePlan;
import org.twintrain.store.DataShareManifest;
import org.twintrain.store.StoreLayout;
import org.twintrain.store.TripleManifest;
import org.twintrain.store.TripleStore;

class TripleJobTest {
    private static final FixedPoint F16 = new FixedPoint(16);

    /** A toy secure step: a layer's matmul, ReLU, a product and its backward matmul. */
    static final TriplePlan.StepProgram TOY = (a, epoch, step) -> {
        a.beginScope(epoch, step, "layer1");
        Matrix x = a.zeros(8, 5);
        Matrix h = a.matmul(x, a.zeros(5, 3));
        Matrix r = a.relu(h);
        a.beginScope(epoch, step, "loss");
        Matrix d = a.mul(r, a.square(r));
        a.matmulTransposeA(x, d);
    };

    private static TriplePlan plan(int steps, TruncationMode mode) {
        return TriplePlan.record(1, steps, F16, mode, TOY);
    }

    private static Configuration hadoop() {
        return LocalSpark.get().sparkContext().hadoopConfiguration();
    }

    @Test
    void bothStoredHalvesReconstructTheDealersCorrelations(@TempDir Path dir) throws IOException {
        SparkSession spark = LocalSpark.get();
        TriplePlan plan = plan(3, TruncationMode.WRAP_FREE);
        StoreLayout s0 = new StoreLayout(dir.resolve("store0").toString());
        StoreLayout s1 = new StoreLayout(dir.resolve("store1").toString());
        TripleJob.Result r = TripleJob.run(spark, plan, s0, s1, 3, false);
        System.out.println(r.summary());

        assertEquals(0, r.server0().party());
        assertEquals(1, r.server1().party());
        assertEquals(plan.id(), r.server0().planId());
        assertEquals(plan.size(), r.server1().keys());
        assertEquals(plan.counts().get(TripleKey.Kind.MATMUL), r.server1().counts().get("MATMUL"));
        assertEquals(plan.counts().get(TripleKey.Kind.TRUNC), r.server1().counts().get("TRUNC"));
        long expected1 = plan.totalWords() * 8 + plan.size() * TripleFile.RECORD_HEADER_BYTES;
        assertTrue(r.bytes1() > expected1, "server 1 holds every word of its half");
        assertEquals(r.bytes1(), folderBytes(dir.resolve("store1/triples/" + plan.id())));

        // Store 0: the plan, one seed, the manifest, and (the plan has DCF comparisons) one part file per writer task
        // holding only the public correction words.
        Path f0 = dir.resolve("store0/triples/" + plan.id());
        assertTrue(plan.hasSharedParts(), "the plan compares with DCF keys");
        assertEquals(Set.of("plan.txt", "party0.seed", "manifest.json", "part-00000.trp", "part-00001.trp",
                "part-00002.trp"), names(f0));
        long shared = 0;
        for (TripleKey k : plan.keys()) {
            shared += TripleFile.sharedRecordBytes(k);
        }
        assertEquals(shared + 3L * TripleFile.HEADER_BYTES, names(f0).stream().filter(TripleFile::isPart)
                .mapToLong(n -> f0.resolve(n).toFile().length()).sum(), "store 0's part files hold only shared words");
        assertEquals(TripleFile.HEADER_BYTES + 32, Files.size(f0.resolve("party0.seed")));
        assertEquals(r.bytes0(), folderBytes(f0));
        Path f1 = dir.resolve("store1/triples/" + plan.id());
        assertFalse(names(f1).contains("party0.seed"), "server 0's seed never reaches store 1");
        byte[] seed0 = Arrays.copyOfRange(Files.readAllBytes(f0.resolve("party0.seed")), TripleFile.HEADER_BYTES,
                TripleFile.HEADER_BYTES + 32);
        for (String n : names(f1)) {
            assertFalse(contains(Files.readAllBytes(f1.resolve(n)), seed0), "server 0's seed is not inside " + n);
        }
        assertEquals(3, names(f1).stream().filter(TripleFile::isPart).count());
        assertEquals(List.of(), names(dir.resolve("store0/triples")).stream().filter(n -> n.startsWith(".")).toList(),
                "no temporary folder is left");

        try (StoredTripleSource p0 = TripleStore.open(s0, 0, plan.id(), F16, TruncationMode.WRAP_FREE, null, true, hadoop());
                StoredTripleSource p1 = TripleStore.open(s1, 1, plan.id(), F16, TruncationMode.WRAP_FREE, null, true,
                        hadoop())) {
            p0.reserve(plan.keys());
            p1.reserve(plan.keys());
            for (TripleKey k : plan.keys()) {
                long[][] a = p0.take(k).parts(), b = p1.take(k).parts();
                long[][] sum = new long[a.length][];
                for (int p = 0; p < a.length; p++) {
                    sum[p] = new long[a[p].length];
                    for (int i = 0; i < sum[p].length; i++) {
                        sum[p][i] = Dealer.isXorPart(k.kind(), p) ? a[p][i] ^ b[p][i] : a[p][i] + b[p][i];
                    }
                }
                int[] s = k.shape();
                switch (k.kind()) {
                    case MATMUL -> assertArrayEquals(new LongMatrix(s[0], s[1], sum[0])
                            .matmul(new LongMatrix(s[1], s[2], sum[1])).data(), sum[2], "Z == UV for " + k);
                    case MUL -> {
                        for (int i = 0; i < sum[0].length; i++) {
                            assertEquals(sum[0][i] * sum[1][i], sum[2][i], k.toString());
                        }
                    }
                    case SQUARE -> {
                        for (int i = 0; i < sum[0].length; i++) {
                            assertEquals(sum[0][i] * sum[0][i], sum[1][i], k.toString());
                        }
                    }
                    case AND -> {
                        for (int i = 0; i < sum[0].length; i++) {
                            assertEquals(sum[0][i] & sum[1][i], sum[2][i], k.toString());
                        }
                    }
                    case TRUNC -> {
                        for (int i = 0; i < sum[0].length; i++) {
                            assertEquals((sum[0][i] & Long.MAX_VALUE) >> 16, sum[1][i], k.toString());
                            assertEquals(sum[0][i] >>> 63, sum[2][i], k.toString());
                        }
                    }
                    case BIT -> {
                        for (int i = 0; i < sum[0].length; i++) {
                            assertTrue(sum[0][i] == 0 || sum[0][i] == 1, k.toString());
                            assertEquals(sum[0][i], sum[1][i], k.toString());
                        }
                    }
                    case COMPARE -> { // h = top bit of r's low s[1] bits, h r; server 0 read the public words
                        for (int i = 0; i < sum[0].length; i++) {
                            long h = (sum[0][i] >>> (s[1] - 1)) & 1L;
                            assertEquals(h, sum[1][i], k.toString());
                            assertEquals(h * sum[0][i], sum[2][i], k.toString());
                        }
                        assertArrayEquals(a[4], b[4], "the correction words are the same in both stores: " + k);
                    }
                    default -> throw new AssertionError("unexpected kind " + k.kind());
                }
            }
        }

        // A second run makes a fresh dealer seed: other triples for the same plan.
        TripleJob.Result again = TripleJob.run(spark, plan, new StoreLayout(dir.resolve("b0").toString()),
                new StoreLayout(dir.resolve("b1").toString()), 2, false);
        assertNotEquals(r.server0().checksums().get("party0.seed"), again.server0().checksums().get("party0.seed"));
    }

    @Test
    void refusesAnExistingCompleteFolderWithoutOverwrite(@TempDir Path dir) throws IOException {
        SparkSession spark = LocalSpark.get();
        TriplePlan plan = plan(1, TruncationMode.LOCAL);
        StoreLayout s0 = new StoreLayout(dir.resolve("store0").toString());
        StoreLayout s1 = new StoreLayout(dir.resolve("store1").toString());
        TripleJob.Result first = TripleJob.run(spark, plan, s0, s1, 2, false);
        // Only store 1 exists: the job must still refuse, and leave store 0 without a folder.
        StoreLayout fresh0 = new StoreLayout(dir.resolve("fresh0").toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TripleJob.run(spark, plan, fresh0, s1, 2, false));
        assertTrue(e.getMessage().contains("already exists") && e.getMessage().contains("--overwrite"), e.getMessage());
        assertEquals(Set.of(), names(dir.resolve("fresh0/triples")), "no output in the other store");
        assertThrows(IllegalArgumentException.class, () -> TripleJob.run(spark, plan, s0, s1, 2, false));
        assertEquals(first.server1().checksums(),
                TripleStore.manifest(s1, 1, plan.id(), hadoop()).checksums(), "the existing folder is untouched");

        TripleJob.Result replaced = TripleJob.run(spark, plan, s0, s1, 2, true);
        assertNotEquals(first.server0().checksums().get("party0.seed"), replaced.server0().checksums().get("party0.seed"));
        assertEquals(replaced.server1().checksums(), TripleStore.manifest(s1, 1, plan.id(), hadoop()).checksums());
    }

    @Test
    void badInputGetsAClearErrorBeforeTraining(@TempDir Path dir) throws IOException {
        SparkSession spark = LocalSpark.get();
        TriplePlan plan = plan(2, TruncationMode.LOCAL);
        StoreLayout s0 = new StoreLayout(dir.resolve("store0").toString());
        StoreLayout s1 = new StoreLayout(dir.resolve("store1").toString());
        TripleJob.run(spark, plan, s0, s1, 2, false);

        // The other server's store.
        IllegalArgumentException party = assertThrows(IllegalArgumentException.class,
                () -> TripleStore.open(s0, 1, plan.id(), F16, TruncationMode.LOCAL, null, false, hadoop()));
        assertTrue(party.getMessage().contains("holds party 0's triples, not party 1's"), party.getMessage());

        // Triples made for another plan, filed under the run's plan id.
        TriplePlan other = plan(3, TruncationMode.LOCAL);
        copy(dir.resolve("store1/triples/" + plan.id()), dir.resolve("store1/triples/" + other.id()));
        IllegalArgumentException planMismatch = assertThrows(IllegalArgumentException.class,
                () -> TripleStore.open(s1, 1, other.id(), F16, TruncationMode.LOCAL, null, false, hadoop()));
        assertTrue(planMismatch.getMessage().contains("made for plan " + plan.id()), planMismatch.getMessage());

        // Too few triples: found by reserve, before any step.
        TriplePlan longer = plan(5, TruncationMode.LOCAL);
        try (StoredTripleSource p1 = TripleStore.open(s1, 1, plan.id(), F16, TruncationMode.LOCAL, null, false,
                hadoop())) {
            MissingTripleException missing = assertThrows(MissingTripleException.class, () -> p1.reserve(longer.keys()));
            assertTrue(missing.getMessage().contains("the run needs 5 steps of triples")
                    && missing.getMessage().contains("the store holds 2 of those steps"), missing.getMessage());
        }

        // Fixed-point parameters that differ between the run, the data and the triples.
        IllegalArgumentException bits = assertThrows(IllegalArgumentException.class, () -> TripleStore.open(s1, 1,
                plan.id(), new FixedPoint(13), TruncationMode.LOCAL, null, false, hadoop()));
        assertTrue(bits.getMessage().contains("made for 16 fractional bits"), bits.getMessage());
        TripleManifest m1 = TripleStore.manifest(s1, 1, plan.id(), hadoop());
        DataShareManifest data13 = new DataShareManifest(DataShareManifest.FORMAT_VERSION, 1, "mnist", "s", "Z_2^64", 13,
                784, 10, "parquet", List.of(10), 10, Map.of());
        IllegalArgumentException data = assertThrows(IllegalArgumentException.class,
                () -> TripleStore.checkMatchesData(m1, data13));
        assertTrue(data.getMessage().contains("shared with 13 fractional bits")
                && data.getMessage().contains("made for 16"), data.getMessage());
        TripleStore.checkMatchesData(m1, new DataShareManifest(DataShareManifest.FORMAT_VERSION, 1, "mnist", "s",
                "Z_2^64", 16, 784, 10, "parquet", List.of(10), 10, Map.of()));

        // A damaged part file fails the checksum check.
        Path part = dir.resolve("store1/triples/" + plan.id()).resolve(TripleFile.partName(0));
        byte[] bytes = Files.readAllBytes(part);
        bytes[bytes.length - 1] ^= 1;
        Files.write(part, bytes);
        IllegalArgumentException damaged = assertThrows(IllegalArgumentException.class,
                () -> TripleStore.open(s1, 1, plan.id(), F16, TruncationMode.LOCAL, null, true, hadoop()));
        assertTrue(damaged.getMessage().contains("does not match the checksum"), damaged.getMessage());
    }

    @Test
    void rangesCoverThePlanOnceAndBalanceWords() {
        TriplePlan plan = plan(4, TruncationMode.WRAP_FREE);
        for (int tasks : new int[] {1, 2, 3, 7, 1000}) {
            List<TripleJob.Range> ranges = TripleJob.ranges(plan, tasks);
            assertTrue(ranges.size() <= tasks && !ranges.isEmpty());
            int next = 0;
            for (int i = 0; i < ranges.size(); i++) {
                assertEquals(i, ranges.get(i).task());
                assertEquals(next, ranges.get(i).first());
                assertTrue(ranges.get(i).count() > 0);
                next += ranges.get(i).count();
            }
            assertEquals(plan.size(), next);
        }
        List<TripleJob.Range> two = TripleJob.ranges(plan, 2);
        long w0 = 0;
        for (int i = 0; i < two.get(0).count(); i++) {
            w0 += TriplePlan.words(plan.key(i));
        }
        long biggest = plan.keys().stream().mapToLong(TriplePlan::words).max().orElseThrow();
        assertTrue(Math.abs(2 * w0 - plan.totalWords()) <= 2 * biggest, "halves differ by at most one key's words");
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> names(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return Set.of();
        }
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".crc")).collect(Collectors.toSet());
        }
    }

    private static long folderBytes(Path folder) throws IOException {
        long n = 0;
        for (String name : names(folder)) {
            if (!name.equals("manifest.json")) {
                n += Files.size(folder.resolve(name));
            }
        }
        return n;
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> s = Files.list(from)) {
            for (Path p : s.toList()) {
                if (!p.getFileName().toString().endsWith(".crc")) {
                    Files.copy(p, to.resolve(p.getFileName()));
                }
            }
        }
    }
}
