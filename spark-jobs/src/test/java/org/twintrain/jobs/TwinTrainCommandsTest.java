package org.twintrain.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TwinTrainCommandsTest {

    private static String[] runCapturing(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = TwinTrain.run(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return new String[] {String.valueOf(code), o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void revealAndEvaluateAreRegisteredWithTheirHelp() {
        assertTrue(TwinTrain.commands().containsKey("reveal"));
        assertTrue(TwinTrain.commands().containsKey("evaluate"));
        String[] help = runCapturing("reveal", "--help");
        assertEquals("0", help[0]);
        assertTrue(help[1].contains("--store0 DIR --store1 DIR --run RUN --out PATH [--overwrite]"), help[1]);
        String[] overview = runCapturing("--help");
        assertTrue(overview[1].contains("evaluate"), overview[1]);
    }

    @Test
    void aMissingOptionIsAOneLineErrorWithExitCode2() {
        String[] r = runCapturing("reveal", "--store0", "a", "--store1", "b", "--out", "c");
        assertEquals("2", r[0]);
        assertEquals("twintrain reveal: missing required option --run", r[2].trim());
        String[] e = runCapturing("evaluate", "--model", "m");
        assertEquals("2", e[0]);
        assertEquals("twintrain evaluate: missing required option --data", e[2].trim());
    }

    @Test
    void keysGeneratesChecksAndFingerprintsWithOneLineErrors(@TempDir Path dir) throws Exception {
        Path key = dir.resolve("server0/keys/key.pem");
        Path cert = dir.resolve("server0/keys/cert.pem");
        String[] g = runCapturing("keys", "generate", "--name", "server0", "--key", key.toString(), "--cert", cert.toString());
        assertEquals("0", g[0], g[2]);
        String fingerprint = org.twintrain.sharing.channel.PeerIdentity.read(key, cert).fingerprint();
        assertTrue(g[1].contains("SHA-256 " + fingerprint), g[1]);

        String[] f = runCapturing("keys", "fingerprint", "--cert", cert.toString());
        assertEquals("0", f[0], f[2]);
        assertEquals("SHA-256 " + fingerprint, f[1].strip());
        String[] c = runCapturing("keys", "check", "--key", key.toString(), "--cert", cert.toString());
        assertEquals("0", c[0], c[2]);

        String[] wrong = runCapturing("keys", "fingerprint", "--cert", key.toString());
        assertEquals("1", wrong[0]);
        assertEquals("twintrain keys fingerprint: " + key + " is a private key, not a certificate (give the certificate"
                + " file; the key never leaves its server)", wrong[2].strip());
        assertEquals("", wrong[1]);

        Path other = dir.resolve("other");
        assertEquals("0", runCapturing("keys", "generate", "--name", "x", "--key", other + "/k.pem", "--cert",
                other + "/c.pem")[0]);
        String[] mismatch = runCapturing("keys", "check", "--key", key.toString(), "--cert", other + "/c.pem");
        assertEquals("1", mismatch[0]);
        assertEquals(1, mismatch[2].strip().lines().count(), mismatch[2]);
        assertTrue(mismatch[2].contains("does not belong to the private key " + key), mismatch[2]);

        String[] usage = runCapturing("keys", "fingerprint");
        assertEquals("2", usage[0]);
        assertEquals("twintrain keys: missing required option --cert", usage[2].strip());
        String[] unknown = runCapturing("keys", "rotate");
        assertEquals("2", unknown[0]);
        assertEquals(1, unknown[2].strip().lines().count(), unknown[2]);
        assertTrue(runCapturing("keys", "--help")[1].contains("keys check --key FILE --cert FILE"));
    }

    @Test
    void aTaskOutOfHeapEndsWithTheRemedy() {
        Throwable wrapped = new RuntimeException("Job aborted due to stage failure",
                new IllegalStateException("task failed", new OutOfMemoryError("Java heap space")));
        String line = TwinTrain.failureLine("train", wrapped);
        assertTrue(line.startsWith("twintrain train failed: java.lang.OutOfMemoryError: Java heap space (the heap's"
                + " limit is "), line);
        assertTrue(line.contains("TWINTRAIN_DRIVER_MEMORY=8g for submit/twintrain or --driver-memory for spark-submit"),
                line);
        String other = TwinTrain.failureLine("train", new RuntimeException("outer", new IllegalStateException("disk")));
        assertEquals("twintrain train failed: java.lang.IllegalStateException: disk (stack traces: " + TwinTrain.logFile()
                + ")", other);
    }

    @Test
    void generateWritesOnlyTheDataSetAskedFor(@TempDir Path dir) throws Exception {
        String[] r = runCapturing("generate", "--dataset", "mnist", "--output", dir.resolve("raw").toString());
        assertEquals("0", r[0], r[2]);
        try (var files = Files.list(dir.resolve("raw"))) {
            assertEquals(Set.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                    "t10k-labels-idx1-ubyte.gz"), files.map(p -> p.getFileName().toString()).collect(Collectors.toSet()));
        }
        String[] bad = runCapturing("generate", "--dataset", "imagenet", "--output", dir.toString());
        assertEquals("2", bad[0]);
        assertTrue(bad[2].strip().startsWith("twintrain generate: unknown data set 'imagenet'"), bad[2]);
    }
}
