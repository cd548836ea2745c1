package org.twintrain.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.twintrain.sharing.ring.LongMatrix;

/** Checkpoints are complete or invisible: what a kill leaves behind is never loaded. */
class CheckpointStoreTest {
    private static final CheckpointManifest ID = new CheckpointManifest(CheckpointManifest.FORMAT_VERSION, 1, "run-a",
            0, "toy", "session-1", 16, "logreg", List.of(), List.of(), Map.of());

    private static Map<String, LongMatrix> tensors(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, LongMatrix> m = new LinkedHashMap<>();
        m.put("dense0.w", new LongMatrix(3, 2, rnd.longs(6).toArray()));
        m.put("dense0.b", new LongMatrix(1, 2, rnd.longs(2).toArray()));
        return m;
    }

    @Test
    void writesReadsAndKeepsTheLastTwo(@TempDir Path dir) throws IOException {
        CheckpointStore store = new CheckpointStore(new StoreLayout(dir.toString()), "run-a", new Configuration());
        assertEquals(List.of(), store.steps());
        for (long step = 2; step <= 8; step += 2) {
            store.write(step, ID, tensors(step), tensors(100 + step));
            store.keepLast(2);
        }
        assertEquals(List.of(6L, 8L), store.steps());
        CheckpointStore.State s = store.read(8, ID);
        assertEquals(8, s.step());
        for (String name : tensors(8).keySet()) {
            assertArrayEquals(tensors(8).get(name).data(), s.params().get(name).data(), name);
            assertArrayEquals(tensors(108).get(name).data(), s.velocities().get(name).data(), name);
        }
        store.deleteAfter(6);
        assertEquals(List.of(6L), store.steps());
    }

    @Test
    void keepsTheMultiplesOfKeepEveryBesideTheLastTwo(@TempDir Path dir) throws IOException {
        CheckpointStore store = new CheckpointStore(new StoreLayout(dir.toString()), "run-a", new Configuration());
        for (long step = 2; step <= 14; step += 2) {
            store.write(step, ID, tensors(step), tensors(100 + step));
            store.keepLast(2, 6);
        }
        assertEquals(List.of(6L, 12L, 14L), store.steps());
        assertArrayEquals(tensors(6).get("dense0.w").data(), store.read(6, ID).params().get("dense0.w").data());
    }

    @Test
    void aCheckpointCutShortIsNeverListedNorLoaded(@TempDir Path dir) throws IOException {
        CheckpointStore store = new CheckpointStore(new StoreLayout(dir.toString()), "run-a", new Configuration());
        store.write(4, ID, tensors(4), tensors(5));
        Path run = dir.resolve("checkpoints/run-a");
        // What a kill during write leaves: the temporary folder with part of the files, no manifest.
        Path tmp = Files.createDirectories(run.resolve(".step-6.tmp-0000"));
        Files.write(tmp.resolve("params.bin"), new byte[] {1, 2, 3});
        // A folder with the final name but no manifest (e.g. copied by hand, or a rename of another tool).
        Path noManifest = Files.createDirectories(run.resolve("step-8"));
        Files.write(noManifest.resolve("params.bin"), new byte[] {4, 5});
        assertEquals(List.of(4L), store.steps(), "only the complete checkpoint is listed");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.read(8, ID));
        assertTrue(e.getMessage().contains("not a complete store entry"), e.getMessage());

        store.keepLast(2);
        assertFalse(Files.exists(tmp), "leftovers are cleaned up");
        assertFalse(Files.exists(noManifest));
        assertEquals(List.of(4L), store.steps());
    }

    @Test
    void aDamagedOrForeignCheckpointIsRefused(@TempDir Path dir) throws IOException {
        CheckpointStore store = new CheckpointStore(new StoreLayout(dir.toString()), "run-a", new Configuration());
        store.write(4, ID, tensors(4), tensors(5));
        CheckpointManifest otherSession = new CheckpointManifest(1, 1, "run-a", 0, "toy", "session-2", 16, "logreg",
                List.of(), List.of(), Map.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.read(4, otherSession));
        assertTrue(e.getMessage().contains("data session session-2"), e.getMessage());

        Path params = dir.resolve("checkpoints/run-a/step-4/params.bin");
        byte[] bytes = Files.readAllBytes(params);
        bytes[bytes.length - 1] ^= 1;
        Files.write(params, bytes);
        IllegalArgumentException d = assertThrows(IllegalArgumentException.class, () -> store.read(4, ID));
        assertTrue(d.getMessage().contains("checksum"), d.getMessage());
    }

    @Test
    void anotherComputationUnderTheSameRunIdIsRefused(@TempDir Path dir) throws IOException {
        CheckpointStore store = new CheckpointStore(new StoreLayout(dir.toString()), "run-a", new Configuration());
        RunIdentity first = new RunIdentity(1, 0, "run-a", "toy", "session-1", "ab".repeat(32));
        store.claim(first);
        store.claim(first); // a resumed attempt of the same computation
        RunIdentity other = new RunIdentity(1, 0, "run-a", "toy", "session-1", "cd".repeat(32));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.claim(other));
        assertTrue(e.getMessage().contains("use a new run id"), e.getMessage());
    }
}
