package org.twintrain.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI end to end on generated MNIST-format (IDX) files: trains, prints accuracy lines, checkpoints, resumes. */
class TrainLocalTest {
    @TempDir
    Path dir;

    /** n 8x8 images: class y has a bright row y (of 4 classes), plus noise. */
    static void writeIdx(Path images, Path labels, int n, long seed) throws IOException {
        SplittableRandom rng = new SplittableRandom(seed);
        try (DataOutputStream im = new DataOutputStream(Files.newOutputStream(images));
                DataOutputStream lb = new DataOutputStream(Files.newOutputStream(labels))) {
            im.writeInt(0x803);
            im.writeInt(n);
            im.writeInt(8);
            im.writeInt(8);
            lb.writeInt(0x801);
            lb.writeInt(n);
            for (int i = 0; i < n; i++) {
                int y = rng.nextInt(4);
                lb.writeByte(y);
                for (int r = 0; r < 8; r++) {
                    for (int c = 0; c < 8; c++) {
                        im.writeByte((r == 2 * y ? 200 : 0) + rng.nextInt(50));
                    }
                }
            }
        }
    }

    private String run(String... args) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            TrainLocal.main(args);
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void trainsEvaluatesAndResumes() throws Exception {
        Path ti = dir.resolve("train-images"), tl = dir.resolve("train-labels");
        Path di = dir.resolve("dev-images"), dl = dir.resolve("dev-labels");
        writeIdx(ti, tl, 256, 1);
        writeIdx(di, dl, 128, 2);
        Path ckpt = dir.resolve("run.ckpt");
        String[] common = {"--data", "mnist", "--train", ti + "," + tl, "--dev", di + "," + dl, "--model", "secureml",
            "--width", "0.25", "--batch", "32", "--lr", "0.05", "--threads", "1", "--checkpoint", ckpt.toString()};
        String out = run(concat(common, "--epochs", "2"));
        assertTrue(out.contains("model=secureml width=0.25 depth=2"), out);
        assertEquals(2, out.lines().filter(l -> l.startsWith("epoch ")).count(), out);
        String last = out.lines().filter(l -> l.startsWith("epoch 2.00")).findFirst().orElseThrow();
        double accuracy = Double.parseDouble(last.split(" ")[5]);
        assertTrue(accuracy > 0.6, "dev accuracy " + accuracy + " (chance 0.25)");
        assertTrue(Files.exists(ckpt));
        String resumed = run(concat(common, "--epochs", "3"));
        assertTrue(resumed.contains("resumed from " + ckpt + " at step 16"), resumed);
        assertEquals(1, resumed.lines().filter(l -> l.startsWith("epoch 3.00")).count(), resumed);
    }

    @Test
    void rejectsUnknownOptions() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run("--epoch", "3"));
        assertTrue(e.getMessage().contains("unknown option --epoch"), e.getMessage());
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
