package org.twintrain.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.twintrain.engine.train.Checkpoint;
import org.twintrain.sharing.arith.Matrix;
import org.twintrain.sharing.ring.LongMatrix;
import org.twintrain.store.CheckpointManifest;
import org.twintrain.store.CheckpointStore;
import org.twintrain.store.StoreLayout;

/**
 * A fixed-point emulation's checkpoint split into two servers' checkpoint shares, as a secure run keeps them, comes
 * back from SecureToLocal byte for byte, and the emulation resumes from it; stores in the wrong order or of another
 * data session are refused and nothing is written.
 */
class SecureToLocalTest {
    private static final long STEP = 8; // one epoch of 256 rows at batch 32

    @TempDir
    Path dir;

    @Test
    void addsTheTwoServersSharesUpIntoTheEmulationsCheckpoint() throws Exception {
        String[] common = trainLocal(dir.resolve("emulation.ckpt"));
        run(concat(common, "--epochs", "1"));
        Checkpoint.Contents emulated = Checkpoint.read(dir.resolve("emulation.ckpt"));
        assertEquals(STEP, emulated.step());
        assertFalse(emulated.velocities().isEmpty(), "momentum keeps velocities");

        StoreLayout s0 = store("s0"), s1 = store("s1");
        share(emulated, s0, s1, "session-a", 7);
        Path out = dir.resolve("from-secure.ckpt");
        String printed = runTool("--store0", s0.root().toString(), "--store1", s1.root().toString(), "--run", "run1",
                "--step", String.valueOf(STEP), "--out", out.toString());
        assertTrue(printed.contains("step 8, 6 params"), printed);
        assertEquals(-1, Files.mismatch(dir.resolve("emulation.ckpt"), out), "the same file as the emulation wrote");

        Path resumedFrom = dir.resolve("resumed.ckpt");
        Files.copy(out, resumedFrom);
        String resumed = run(concat(trainLocal(resumedFrom), "--epochs", "2"));
        assertTrue(resumed.contains("resumed from " + resumedFrom + " at step 8"), resumed);
        assertEquals(1, resumed.lines().filter(l -> l.startsWith("epoch 2.00")).count(), resumed);
    }

    @Test
    void refusesStoresInTheWrongOrderOrOfAnotherRunAndWritesNothing() throws Exception {
        run(concat(trainLocal(dir.resolve("emulation.ckpt")), "--epochs", "1"));
        Checkpoint.Contents emulated = Checkpoint.read(dir.resolve("emulation.ckpt"));
        StoreLayout s0 = store("s0"), s1 = store("s1"), other1 = store("other1"), unused = store("unused");
        share(emulated, s0, s1, "session-a", 7);
        share(emulated, unused, other1, "session-b", 8);
        Path out = dir.resolve("refused.ckpt");

        IllegalArgumentException swapped = assertThrows(IllegalArgumentException.class,
                () -> SecureToLocal.write(s1, s0, "run1", STEP, 1, out));
        assertTrue(swapped.getMessage().contains("give server 0's store first"), swapped.getMessage());
        IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class,
                () -> SecureToLocal.write(s0, other1, "run1", STEP, 1, out));
        assertTrue(mixed.getMessage().contains("data session session-b")
                && mixed.getMessage().contains("data session session-a"), mixed.getMessage());
        Exception missing = assertThrows(Exception.class,
                () -> SecureToLocal.write(s0, s1, "run1", STEP + 1, 1, out));
        assertTrue(missing.getMessage().contains("step-9"), missing.getMessage());
        IllegalArgumentException noStep = assertThrows(IllegalArgumentException.class, () -> runTool("--store0",
                s0.root().toString(), "--store1", s1.root().toString(), "--run", "run1", "--out", out.toString()));
        assertTrue(noStep.getMessage().contains("--step is required"), noStep.getMessage());
        assertFalse(Files.exists(out), "nothing written after a refusal");
    }

    /** TrainLocal's fixed-point emulation of a small MLP on generated IDX files, checkpointing to ckpt. */
    private String[] trainLocal(Path ckpt) throws IOException {
        Path ti = dir.resolve("train-images"), tl = dir.resolve("train-labels");
        Path di = dir.resolve("dev-images"), dl = dir.resolve("dev-labels");
        if (!Files.exists(ti)) {
            TrainLocalTest.writeIdx(ti, tl, 256, 1);
            TrainLocalTest.writeIdx(di, dl, 64, 2);
        }
        return new String[] {"--data", "mnist", "--train", ti + "," + tl, "--dev", di + "," + dl, "--model",
            "secureml", "--width", "0.25", "--batch", "32", "--lr", "0.05", "--threads", "1", "--backend", "fixed:16",
            "--checkpoint", ckpt.toString()};
    }

    private StoreLayout store(String name) {
        return new StoreLayout(dir.resolve(name).toString());
    }

    /** Each ring value v split as r and v - r with a random r, written as the two servers' checkpoints of STEP. */
    private static void share(Checkpoint.Contents c, StoreLayout s0, StoreLayout s1, String session, long seed)
            throws IOException {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, LongMatrix> p0 = new LinkedHashMap<>(), p1 = new LinkedHashMap<>();
        Map<String, LongMatrix> v0 = new LinkedHashMap<>(), v1 = new LinkedHashMap<>();
        split(c.params(), p0, p1, rng);
        split(c.velocities(), v0, v1, rng);
        Configuration hadoop = new Configuration();
        for (int party = 0; party < 2; party++) {
            CheckpointManifest identity = new CheckpointManifest(CheckpointManifest.FORMAT_VERSION, party, "run1", STEP,
                    "dataset-1", session, c.fractionalBits(), "secureml", List.of(), List.of(), Map.of());
            new CheckpointStore(party == 0 ? s0 : s1, "run1", hadoop).write(STEP, identity, party == 0 ? p0 : p1,
                    party == 0 ? v0 : v1);
        }
    }

    private static void split(Map<String, Matrix> values, Map<String, LongMatrix> share0,
            Map<String, LongMatrix> share1, SplittableRandom rng) {
        values.forEach((name, m) -> {
            LongMatrix v = assertInstanceOf(LongMatrix.class, m, "the emulation holds ring values");
            long[] r = new long[v.size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = rng.nextLong();
            }
            LongMatrix mask = new LongMatrix(v.rows(), v.cols(), r);
            share0.put(name, mask);
            share1.put(name, v.sub(mask));
        });
    }

    private static String run(String... args) throws Exception {
        return captured(() -> TrainLocal.main(args));
    }

    private static String runTool(String... args) throws Exception {
        return captured(() -> SecureToLocal.main(args));
    }

    private interface Main {
        void run() throws Exception;
    }

    private static String captured(Main main) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            main.run();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
