package org.twintrain.sharing.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS 1.3 key updates while both parties send and receive at once (docs/faults.md: the SSLSocket-based channel
 * failed with bad_record_mac). The key limit is a security property JSSE reads once per JVM, so
 * {@link KeyUpdateProbe} runs in a forked JVM with the limit lowered from 2^37 to 2^17 bytes: 80 exchanges of 1 MiB
 * each way then cross about 640 key updates per direction, and the one-way phase after them leaves the receiver's
 * replies to key-update requests waiting until it sends.
 */
class TlsKeyUpdateTest {
    private static final String LIMIT = "AES/GCM/NoPadding KeyUpdate 2^17";
    private static final int WORDS = 131_072;
    private static final int ROUNDS = 80;
    private static final long TIMEOUT_SECONDS = 90;

    @Test
    void exchangesSurviveFrequentKeyUpdatesInBothDirections(@TempDir Path dir) throws Exception {
        Path security = dir.resolve("key-limit.security");
        Files.writeString(security, "jdk.tls.keyLimits=" + LIMIT + "\n");
        Path log = dir.resolve("probe.log");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Djava.security.properties=" + security,
                KeyUpdateProbe.class.getName(), String.valueOf(WORDS), String.valueOf(ROUNDS));
        Process probe = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean finished;
        try {
            finished = probe.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } finally {
            probe.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(finished, "probe still running after " + TIMEOUT_SECONDS + " s:\n" + output);
        // The lowered limit must be in effect, or the test would pass without a single key update.
        assertTrue(output.contains("key limit: " + LIMIT), output);
        assertEquals(0, probe.exitValue(), output);
        assertTrue(output.contains("ok: " + ROUNDS + " exchanges of " + 8 * WORDS + " bytes each way, then " + ROUNDS
                + " frames one way and one back"), output);
    }
}
