package org.twintrain.sharing.triples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resumable runs: keys are written when a checkpoint commits, a resumed attempt replays the rest. */
class TripleLedgerResumeTest {
    private static TripleKey key(long step, int op) {
        return new TripleKey(0, step, "dense", op, TripleKey.Kind.MATMUL, new int[] {2, 3, 4});
    }

    @Test
    void pendingKeysOfAFailedAttemptAreNotWrittenAndTheResumedAttemptTakesThemOnce(@TempDir Path dir)
            throws IOException {
        LedgerFolder file = LedgerFolder.local(dir.resolve("ledger"));
        try (TripleLedger first = TripleLedger.openResumable(file, "plan-a", 1, "run-1")) {
            first.record(key(0, 0));
            first.record(key(1, 0));
            first.commit(); // a checkpoint after step 2, held by both servers
            first.record(key(2, 0)); // taken by the attempt that then failed
            assertEquals(Set.of(key(2, 0)), first.pending());
            assertThrows(TripleReuseException.class, () -> first.record(key(2, 0)));
        }
        assertEquals(Set.of(key(0, 0), key(1, 0)), TripleLedger.read(file).consumed());

        // Another run may not start while run-1 has uncommitted keys nobody knows.
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                () -> TripleLedger.openResumable(file, "plan-a", 1, "run-2"));
        assertTrue(other.getMessage().contains("resume run run-1"), other.getMessage());

        try (TripleLedger resumed = TripleLedger.openResumable(file, "plan-a", 1, "run-1")) {
            assertThrows(TripleReuseException.class, () -> resumed.record(key(1, 0)), "committed keys stay taken");
            resumed.record(key(2, 0));
            resumed.record(key(3, 0));
            resumed.finish();
        }
        TripleLedger.Contents c = TripleLedger.read(file);
        assertEquals(List.of(key(0, 0), key(1, 0), key(2, 0), key(3, 0)), List.copyOf(c.consumed()));
        assertEquals(List.of("run-1"), c.runs());
        StringBuilder all = new StringBuilder();
        for (String name : new java.util.TreeSet<>(file.list())) {
            all.append(new String(file.read(name), java.nio.charset.StandardCharsets.UTF_8));
        }
        String text = all.toString();
        assertEquals(2, text.split("attempt run-1\n", -1).length - 1, text);
        assertTrue(text.endsWith("done run-1\nend\n"), text);

        // Once run-1 is done, a new run may use the ledger (and is refused the keys run-1 took).
        try (TripleLedger next = TripleLedger.openResumable(file, "plan-a", 1, "run-2")) {
            assertThrows(TripleReuseException.class, () -> next.record(key(2, 0)));
        }
    }

    @Test
    void aTornSegmentIsIgnoredAndTwoWritersOfOneSegmentCannotBothSucceed(@TempDir Path dir) throws IOException {
        LedgerFolder folder = LedgerFolder.local(dir.resolve("ledger"));
        try (TripleLedger first = TripleLedger.openResumable(folder, "plan-a", 1, "run-1")) {
            first.record(key(0, 0));
            first.commit();
            // A crash while the next commit was written: its segment lacks the end line.
            folder.createNew("seg-00000002.txt", ("twintrain-triple-ledger 2\nplan plan-a\nparty 1\ntake "
                    + key(1, 0).id() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            // This attempt's next segment number is taken by that write: the second writer is refused.
            first.record(key(1, 0));
            IllegalStateException twice = assertThrows(IllegalStateException.class, first::commit);
            assertTrue(twice.getMessage().contains("another attempt"), twice.getMessage());
        }
        assertEquals(Set.of(key(0, 0)), TripleLedger.read(folder).consumed(), "the torn segment's key is not committed");
        try (TripleLedger resumed = TripleLedger.openResumable(folder, "plan-a", 1, "run-1")) {
            resumed.record(key(1, 0));
            resumed.finish();
        }
        assertEquals(List.of(key(0, 0), key(1, 0)), List.copyOf(TripleLedger.read(folder).consumed()));
        // Segments are created owner-only.
        for (String name : folder.list()) {
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(dir.resolve("ledger").resolve(name))), name);
        }
    }

    @Test
    void aLedgerThatListsAKeyTwiceIsTheProofOfReuse(@TempDir Path dir) throws IOException {
        LedgerFolder folder = LedgerFolder.local(dir.resolve("ledger"));
        try (TripleLedger first = TripleLedger.openResumable(folder, "plan-a", 0, "run-1")) {
            first.record(key(0, 0));
            first.commit();
        }
        assertThrows(IllegalArgumentException.class, () -> TripleLedger.openResumable(folder, "plan-b", 0, "run-1"),
                "a ledger of another plan is refused");
        folder.createNew("seg-00000009.txt", ("twintrain-triple-ledger 2\nplan plan-a\nparty 0\nattempt run-x\ntake "
                + key(0, 0).id() + "\nend\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        TripleReuseException dup = assertThrows(TripleReuseException.class, () -> TripleLedger.read(folder));
        assertTrue(dup.getMessage().contains("run-1") && dup.getMessage().contains("run-x"), dup.getMessage());
    }
}
