package org.twintrain.sharing.triples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.twintrain.sharing.protocol.TruncationMode;
import org.twintrain.sharing.ring.FixedPoint;

/** A plan cut into windows, each dealt on its own: the cut, and the stored source that opens them as it goes. */
class TripleWindowsTest {
    private static final FixedPoint F16 = new FixedPoint(16);

    @TempDir
    Path tmp;

    @Test
    void windowsCutThePlanAtStepBoundariesAndSayWhichCheckpointCoversThem() {
        TriplePlan plan = TriplePlan.record(2, 5, F16, TruncationMode.WRAP_FREE, new ToyProgram()); // 10 steps
        List<TriplePlan.Window> windows = plan.windows(4);
        assertEquals(3, windows.size(), "10 steps in windows of 4: 4 + 4 + 2");
        int next = 0;
        for (TriplePlan.Window w : windows) {
            assertEquals(next, w.first(), "windows are contiguous");
            next = w.end();
            long firstStep = plan.key(w.first()).step();
            assertTrue(w.first() == 0 || plan.key(w.first() - 1).step() != firstStep, "a window starts a step");
            assertEquals(w.index() == 2 ? 2 : 4, TriplePlan.steps(plan.keys().subList(w.first(), w.end())).size());
        }
        assertEquals(plan.size(), next, "and cover the plan");
        assertEquals(List.of(3L, 7L, 9L), windows.stream().map(TriplePlan.Window::lastStep).toList());
        assertFalse(windows.get(0).coveredBy(3), "the checkpoint of step 3 has not done step 3");
        assertTrue(windows.get(0).coveredBy(4));
        assertEquals(1, plan.windows(100).size());
        assertThrows(IllegalArgumentException.class, () -> plan.windows(0));

        // Evaluation keys (epoch -1) are never covered by a training checkpoint.
        List<TripleKey> keys = new ArrayList<>(plan.keys());
        keys.add(new TripleKey(-1, 0, "eval", 0, TripleKey.Kind.MUL, new int[] {4}));
        TriplePlan withEval = TriplePlan.of(keys, 16, TruncationMode.WRAP_FREE);
        List<TriplePlan.Window> cut = withEval.windows(4);
        assertEquals(3, cut.size(), "the evaluation's step joins the last window, which had room");
        assertEquals(9, cut.get(2).lastStep());
        assertFalse(cut.get(2).coveredBy(Long.MAX_VALUE));
        assertTrue(withEval.windows(5).get(1).coveredBy(10) && !withEval.windows(5).get(2).trainingOnly(),
                "a window of evaluation keys alone when the last one is full");
    }

    @Test
    void eachWindowIsItsOwnDealingAndIsOpenedWhenTheRunReachesIt() throws IOException {
        TriplePlan plan = TriplePlan.record(1, 5, F16, TruncationMode.WRAP_FREE, new ToyProgram());
        List<TriplePlan.Window> windows = plan.windows(2);
        Dealer[] dealers = new Dealer[windows.size()];
        for (TriplePlan.Window w : windows) {
            dealers[w.index()] = new Dealer(("window-dealer-" + w.index()).getBytes(), F16);
            write(plan, w, dealers[w.index()], tmp.resolve("w" + w.index()));
        }
        StoredTripleSource[] s = new StoredTripleSource[2];
        for (int p = 0; p < 2; p++) {
            int party = p;
            s[p] = StoredTripleSource.openWindows(plan, 2, p, F16, TruncationMode.WRAP_FREE,
                    w -> ByteSource.folder(tmp.resolve("w" + w.index()).resolve("s" + party)), null);
        }
        for (int i = 0; i < plan.size(); i++) {
            TripleKey k = plan.key(i);
            long[][] a = s[0].take(k).parts(), b = s[1].take(k).parts();
            long[][] v = dealers[windowOf(windows, i)].value(k);
            for (int part = 0; part < v.length; part++) {
                long[] sum = new long[v[part].length];
                for (int j = 0; j < sum.length; j++) {
                    sum[j] = Dealer.isXorPart(k.kind(), part) ? a[part][j] ^ b[part][j] : a[part][j] + b[part][j];
                }
                assertArrayEquals(v[part], sum, k + " part " + part + " is its window's dealing");
            }
        }
        assertThrows(TripleReuseException.class, () -> s[1].take(plan.key(0)));

        // A window folder holding another window's records is refused by index.
        StoredTripleSource wrong = StoredTripleSource.openWindows(plan, 2, 1, F16, TruncationMode.WRAP_FREE,
                w -> ByteSource.folder(tmp.resolve("w0").resolve("s1")), null);
        TripleKey inWindow1 = plan.key(windows.get(1).first());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> wrong.take(inWindow1));
        assertTrue(e.getMessage().contains("outside window 1's"), e.getMessage());
    }

    @Test
    void aWindowsFilesAreReleasedWhenTheRunMovesPastItAndOnClose() throws IOException {
        TriplePlan plan = TriplePlan.record(1, 5, F16, TruncationMode.WRAP_FREE, new ToyProgram());
        List<TriplePlan.Window> windows = plan.windows(2);
        assertTrue(windows.size() >= 3, "the toy plan spans at least three windows");
        for (TriplePlan.Window w : windows) {
            write(plan, w, new Dealer(("window-dealer-" + w.index()).getBytes(), F16), tmp.resolve("w" + w.index()));
        }
        List<Closing> opened = new ArrayList<>();
        StoredTripleSource s = StoredTripleSource.openWindows(plan, 2, 1, F16, TruncationMode.WRAP_FREE, w -> {
            Closing c = new Closing(ByteSource.folder(tmp.resolve("w" + w.index()).resolve("s1")));
            opened.add(c);
            return c;
        }, null);
        s.take(plan.key(windows.get(0).first()));
        s.take(plan.key(windows.get(1).first()));
        assertEquals(2, opened.size());
        assertEquals(1, opened.get(0).closes, "window 0 released once the run reached window 1");
        assertEquals(0, opened.get(1).closes, "the current window stays open");
        s.take(plan.key(windows.get(1).first() + 1)); // still window 1: nothing reopened
        assertEquals(2, opened.size());
        s.close();
        assertEquals(List.of(1, 1), opened.stream().map(c -> c.closes).toList(), "close releases the current window, "
                + "and a window once only");

        // A window refused on opening is released too.
        Closing refused = new Closing(ByteSource.folder(tmp.resolve("w0").resolve("s1")));
        StoredTripleSource wrong = StoredTripleSource.openWindows(plan, 2, 1, F16, TruncationMode.WRAP_FREE,
                w -> refused, null);
        assertThrows(IllegalArgumentException.class, () -> wrong.take(plan.key(windows.get(1).first())));
        assertEquals(1, refused.closes);
        // So is a whole-plan folder that open refuses (here: it holds no plan file).
        Closing noPlan = new Closing(ByteSource.folder(tmp.resolve("w0").resolve("s1")));
        assertThrows(IllegalArgumentException.class, () -> StoredTripleSource.open(noPlan, 1, F16,
                TruncationMode.WRAP_FREE, null, null));
        assertEquals(1, noPlan.closes);
    }

    /** A folder that counts its closes. */
    private static final class Closing implements ByteSource {
        private final ByteSource folder;
        int closes;

        Closing(ByteSource folder) {
            this.folder = folder;
        }

        @Override
        public List<String> list() throws IOException {
            return folder.list();
        }

        @Override
        public long size(String name) throws IOException {
            return folder.size(name);
        }

        @Override
        public void readFully(String name, long position, byte[] into) throws IOException {
            folder.readFully(name, position, into);
        }

        @Override
        public void close() {
            closes++;
        }
    }

    private static int windowOf(List<TriplePlan.Window> windows, int index) {
        for (TriplePlan.Window w : windows) {
            if (index >= w.first() && index < w.end()) {
                return w.index();
            }
        }
        throw new AssertionError(index);
    }

    /** Window w's two folders, as the windowed dealer writes them (no plan file: the plan's folder has it). */
    private static void write(TriplePlan plan, TriplePlan.Window w, Dealer dealer, Path dir) throws IOException {
        Path d0 = Files.createDirectories(dir.resolve("s0"));
        Path d1 = Files.createDirectories(dir.resolve("s1"));
        try (OutputStream out = Files.newOutputStream(d0.resolve(TripleFile.PARTY0_FILE))) {
            TripleFile.writeParty0(out, plan, dealer.party0Seed());
        }
        try (OutputStream o1 = Files.newOutputStream(d1.resolve(TripleFile.partName(0)));
                OutputStream o0 = Files.newOutputStream(d0.resolve(TripleFile.partName(0)))) {
            TripleFile.writeBoth(o0, o1, plan, dealer, w.first(), w.keys());
        }
    }
}
