package org.twintrain.sharing.triples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.twintrain.sharing.protocol.TruncationMode;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.ring.LongMatrix;

class StoredTripleSourceTest {
    private static final FixedPoint F16 = new FixedPoint(16);
    private static final byte[] SEED = "stored-triple-source-test-seed".getBytes();

    @TempDir
    Path tmp;

    /** Writes server 0's and server 1's folders the way the triple job does, without Spark. */
    static void writeStore(TriplePlan plan, Dealer dealer, Path dir0, Path dir1, int parts) throws IOException {
        Files.createDirectories(dir0);
        Files.createDirectories(dir1);
        for (Path d : List.of(dir0, dir1)) {
            try (OutputStream out = Files.newOutputStream(d.resolve(TripleFile.PLAN_FILE))) {
                plan.write(out);
            }
        }
        try (OutputStream out = Files.newOutputStream(dir0.resolve(TripleFile.PARTY0_FILE))) {
            TripleFile.writeParty0(out, plan, dealer.party0Seed());
        }
        int per = (plan.size() + parts - 1) / parts;
        for (int t = 0; t < parts; t++) {
            int first = Math.min(plan.size(), t * per);
            int count = Math.min(plan.size(), first + per) - first;
            try (OutputStream out = Files.newOutputStream(dir1.resolve(TripleFile.partName(t)))) {
                if (!plan.hasSharedParts()) {
                    TripleFile.writeParty1(out, plan, dealer, first, count);
                    continue;
                }
                try (OutputStream out0 = Files.newOutputStream(dir0.resolve(TripleFile.partName(t)))) {
                    TripleFile.writeBoth(out0, out, plan, dealer, first, count);
                }
            }
        }
    }

    private TriplePlan plan(int steps, TruncationMode mode) {
        return TriplePlan.record(1, steps, F16, mode, new ToyProgram());
    }

    private StoredTripleSource open(Path dir, int party, TriplePlan plan) throws IOException {
        return StoredTripleSource.open(ByteSource.folder(dir), party, F16, plan.truncation(), plan.id(), null);
    }

    @Test
    void bothHalvesReconstructTheDealersCorrelationForEveryKey() throws IOException {
        TriplePlan plan = plan(2, TruncationMode.WRAP_FREE);
        Dealer dealer = new Dealer(SEED, F16);
        writeStore(plan, dealer, tmp.resolve("s0"), tmp.resolve("s1"), 3);
        try (StoredTripleSource s0 = open(tmp.resolve("s0"), 0, plan);
                StoredTripleSource s1 = open(tmp.resolve("s1"), 1, plan)) {
            s0.reserve(plan.keys());
            s1.reserve(plan.keys());
            for (TripleKey k : plan.keys()) {
                long[][] a = s0.take(k).parts(), b = s1.take(k).parts(), v = dealer.value(k);
                assertEquals(Dealer.partSizes(k).length, a.length);
                if (k.kind() == TripleKey.Kind.COMPARE) { // value(): the arithmetic parts; then seeds and public words
                    org.junit.jupiter.api.Assertions.assertArrayEquals(a[4], b[4], "server 0 read its correction words");
                    org.junit.jupiter.api.Assertions.assertArrayEquals(dealer.halves(k)[0].part(3), a[3]);
                }
                for (int p = 0; p < v.length; p++) {
                    long[] sum = new long[v[p].length];
                    for (int i = 0; i < sum.length; i++) {
                        sum[i] = Dealer.isXorPart(k.kind(), p) ? a[p][i] ^ b[p][i] : a[p][i] + b[p][i];
                    }
                    assertArrayEquals(v[p], sum, k + " part " + p);
                }
                if (k.kind() == TripleKey.Kind.MATMUL) {
                    int[] s = k.shape();
                    LongMatrix u = new LongMatrix(s[0], s[1], add(a[0], b[0]));
                    LongMatrix w = new LongMatrix(s[1], s[2], add(a[1], b[1]));
                    assertArrayEquals(u.matmul(w).data(), add(a[2], b[2]), "Z == U*V for " + k);
                }
            }
            assertEquals(plan.keys(), s1.consumed());
        }
    }

    private static long[] add(long[] x, long[] y) {
        long[] z = new long[x.length];
        for (int i = 0; i < z.length; i++) {
            z[i] = x[i] + y[i];
        }
        return z;
    }

    @Test
    void reserveFindsTooFewTriplesBeforeTraining() throws IOException {
        TriplePlan stored = plan(4, TruncationMode.LOCAL);
        writeStore(stored, new Dealer(SEED, F16), tmp.resolve("s0"), tmp.resolve("s1"), 2);
        TriplePlan run = plan(9, TruncationMode.LOCAL);
        int perStep = stored.size() / 4;
        for (int party = 0; party < 2; party++) {
            try (StoredTripleSource s = StoredTripleSource.open(ByteSource.folder(tmp.resolve("s" + party)), party, F16,
                    TruncationMode.LOCAL, null, null)) {
                MissingTripleException e = assertThrows(MissingTripleException.class, () -> s.reserve(run.keys()));
                assertTrue(e.getMessage().contains("the run needs 9 steps of triples (" + run.size() + " keys), the "
                        + "store holds 4 of those steps"), e.getMessage());
                assertTrue(e.getMessage().contains((5 * perStep) + " keys are missing, the first is "
                        + run.key(4 * perStep).id()), e.getMessage());
                assertEquals(List.of(), s.consumed(), "nothing is taken when reserve fails");
            }
        }
    }

    @Test
    void refusesASecondTakeAndAKeyOfAnotherPlan() throws IOException {
        TriplePlan plan = plan(1, TruncationMode.LOCAL);
        writeStore(plan, new Dealer(SEED, F16), tmp.resolve("s0"), tmp.resolve("s1"), 1);
        for (int party = 0; party < 2; party++) {
            try (StoredTripleSource s = open(tmp.resolve("s" + party), party, plan)) {
                s.take(plan.key(0));
                assertThrows(TripleReuseException.class, () -> s.take(plan.key(0)));
                assertThrows(TripleReuseException.class, () -> s.reserve(plan.keys()));
                TripleKey foreign = new TripleKey(7, 7, "dense", 0, TripleKey.Kind.MUL, new int[] {2});
                MissingTripleException e = assertThrows(MissingTripleException.class, () -> s.take(foreign));
                assertTrue(e.getMessage().contains(foreign.id()) && e.getMessage().contains(plan.id()), e.getMessage());
            }
        }
    }

    @Test
    void refusesTheOtherServersStore() throws IOException {
        TriplePlan plan = plan(1, TruncationMode.LOCAL);
        writeStore(plan, new Dealer(SEED, F16), tmp.resolve("s0"), tmp.resolve("s1"), 1);
        IllegalArgumentException e0 = assertThrows(IllegalArgumentException.class, () -> open(tmp.resolve("s1"), 0, plan));
        assertTrue(e0.getMessage().contains("party 1's store, not party 0's"), e0.getMessage());
        IllegalArgumentException e1 = assertThrows(IllegalArgumentException.class, () -> open(tmp.resolve("s0"), 1, plan));
        // Server 0's store holds part files too when the plan has DCF keys: then their headers say whose they are.
        assertTrue(e1.getMessage().contains("party 0's store, not party 1's") || e1.getMessage().contains(
                "holds party 0's triples, but it was opened for party 1"), e1.getMessage());
        // A part file renamed into server 0's folder still says whose it is.
        Files.copy(tmp.resolve("s1").resolve(TripleFile.partName(0)), tmp.resolve("s0").resolve(TripleFile.PARTY0_FILE),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, () -> open(tmp.resolve("s0"), 0, plan));
        assertTrue(e2.getMessage().contains("holds party 1's triples, but it was opened for party 0"), e2.getMessage());
    }

    @Test
    void refusesAnotherPlanAndOtherFixedPointParameters() throws IOException {
        TriplePlan plan = plan(1, TruncationMode.WRAP_FREE);
        TriplePlan other = plan(2, TruncationMode.WRAP_FREE);
        writeStore(plan, new Dealer(SEED, F16), tmp.resolve("s0"), tmp.resolve("s1"), 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> open(tmp.resolve("s1"), 1, other));
        assertTrue(e.getMessage().contains("made for plan " + plan.id()) && e.getMessage().contains(other.id()),
                e.getMessage());
        IllegalArgumentException f = assertThrows(IllegalArgumentException.class, () -> StoredTripleSource.open(
                ByteSource.folder(tmp.resolve("s1")), 1, new FixedPoint(13), TruncationMode.WRAP_FREE, plan.id(), null));
        assertTrue(f.getMessage().contains("made for 16 fractional bits, but the run uses 13"), f.getMessage());
        IllegalArgumentException m = assertThrows(IllegalArgumentException.class, () -> StoredTripleSource.open(
                ByteSource.folder(tmp.resolve("s0")), 0, F16, TruncationMode.LOCAL, plan.id(), null));
        assertTrue(m.getMessage().contains("truncation WRAP_FREE, but the run uses LOCAL"), m.getMessage());
        // A part file of another plan among this plan's files.
        writeStore(other, new Dealer(SEED, F16), tmp.resolve("o0"), tmp.resolve("o1"), 1);
        Files.copy(tmp.resolve("o1").resolve(TripleFile.partName(0)), tmp.resolve("s1").resolve(TripleFile.partName(0)),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        IllegalArgumentException p = assertThrows(IllegalArgumentException.class, () -> open(tmp.resolve("s1"), 1, plan));
        assertTrue(p.getMessage().contains("was made for plan " + other.id()), p.getMessage());
    }

    @Test
    void refusesATruncatedOrMissingPartFile() throws IOException {
        TriplePlan plan = plan(1, TruncationMode.LOCAL);
        writeStore(plan, new Dealer(SEED, F16), tmp.resolve("s0"), tmp.resolve("s1"), 2);
        Path part = tmp.resolve("s1").resolve(TripleFile.partName(1));
        byte[] bytes = Files.readAllBytes(part);
        Files.write(part, java.util.Arrays.copyOf(bytes, bytes.length - 8));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> open(tmp.resolve("s1"), 1, plan));
        assertTrue(e.getMessage().contains("has " + (bytes.length - 8) + " bytes; its header and plan say " + bytes.length),
                e.getMessage());
        Files.delete(part);
        IllegalArgumentException m = assertThrows(IllegalArgumentException.class, () -> open(tmp.resolve("s1"), 1, plan));
        assertTrue(m.getMessage().contains("a part file is missing"), m.getMessage());
    }

    @Test
    void theLedgerCarriesCommittedKeysAcrossAResumedAttempt() throws IOException {
        TriplePlan plan = plan(2, TruncationMode.LOCAL);
        writeStore(plan, new Dealer(SEED, F16), tmp.resolve("s0"), tmp.resolve("s1"), 1);
        LedgerFolder ledger = LedgerFolder.local(tmp.resolve("ledger1"));
        int half = plan.size() / 2;
        try (StoredTripleSource s = StoredTripleSource.open(ByteSource.folder(tmp.resolve("s1")), 1, F16,
                TruncationMode.LOCAL, plan.id(), TripleLedger.openResumable(ledger, plan.id(), 1, "run-a"))) {
            for (int i = 0; i < half; i++) {
                s.take(plan.key(i));
            }
            s.ledger().commit(); // a checkpoint both servers hold
        }
        try (StoredTripleSource s = StoredTripleSource.open(ByteSource.folder(tmp.resolve("s1")), 1, F16,
                TruncationMode.LOCAL, plan.id(), TripleLedger.openResumable(ledger, plan.id(), 1, "run-a"))) {
            TripleReuseException e = assertThrows(TripleReuseException.class, () -> s.take(plan.key(0)));
            assertTrue(e.getMessage().contains("ledger"), e.getMessage());
            assertThrows(TripleReuseException.class, () -> s.reserve(plan.keys()));
            s.reserve(plan.keys().subList(half, plan.size()));
            for (int i = half; i < plan.size(); i++) {
                s.take(plan.key(i));
            }
            s.ledger().finish();
        }
        TripleLedger.Contents c = TripleLedger.read(ledger);
        assertEquals(List.of("run-a"), c.runs());
        assertEquals(plan.keys(), new ArrayList<>(c.consumed()), "every key once, in plan order");
        assertThrows(IllegalArgumentException.class, () -> TripleLedger.openResumable(ledger, plan.id(), 0, "run-c"));
    }
}
