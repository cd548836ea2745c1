package org.twintrain.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

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
}
