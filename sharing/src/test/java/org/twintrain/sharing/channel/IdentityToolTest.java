package org.twintrain.sharing.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityToolTest {
    @TempDir
    Path dir;

    private static String text(ByteArrayOutputStream b) {
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void generateWritesAnIdentityAndFingerprintPrintsItsFingerprint() throws Exception {
        Path key = dir.resolve("s0.key");
        Path cert = dir.resolve("s0.crt");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(0, IdentityTool.run(new String[] {"generate", "server 0", key.toString(), cert.toString()}, o, e));
        String fingerprint = PeerIdentity.read(key, cert).fingerprint();
        assertTrue(text(out).contains("SHA-256 " + fingerprint), text(out));

        out.reset();
        assertEquals(0, IdentityTool.run(new String[] {"fingerprint", cert.toString()}, o, e));
        assertEquals("SHA-256 " + fingerprint, text(out).strip());
        assertEquals(2, IdentityTool.run(new String[] {"bogus"}, o, e));
        assertTrue(text(err).contains("usage"), text(err));
    }
}
