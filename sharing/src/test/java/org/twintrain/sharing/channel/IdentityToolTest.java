package org.twintrain.sharing.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityToolTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private Path key;
    private Path cert;

    @BeforeEach
    void generate() {
        key = dir.resolve("keys/s0.key");
        cert = dir.resolve("keys/s0.crt");
        assertEquals(0, run("generate", "server 0", key.toString(), cert.toString()), text(err));
    }

    private int run(String... args) {
        out.reset();
        err.reset();
        return IdentityTool.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), "keys");
    }

    private static String text(ByteArrayOutputStream b) {
        return b.toString(StandardCharsets.UTF_8);
    }

    /** Exactly one line on stderr, nothing on stdout, and it says what it must. */
    private void oneLineError(int expectedCode, int code, String... fragments) {
        assertEquals(expectedCode, code, text(err));
        String e = text(err);
        assertEquals(1, e.lines().count(), "one error line, got:\n" + e);
        assertEquals("", text(out));
        for (String f : fragments) {
            assertTrue(e.contains(f), "'" + f + "' in: " + e);
        }
        assertFalse(e.contains("Exception"), e);
    }

    @Test
    void generateWritesAnIdentityAndFingerprintPrintsItsFingerprint() throws Exception {
        String fingerprint = PeerIdentity.read(key, cert).fingerprint();
        assertEquals(0, run("fingerprint", cert.toString()));
        assertEquals("SHA-256 " + fingerprint, text(out).strip());
        assertEquals(2, run("bogus"));
        assertTrue(text(err).contains("usage"), text(err));
    }

    @Test
    void checkAcceptsTheMatchingCertificateAndRefusesAnotherOne() {
        assertEquals(0, run("check", key.toString(), cert.toString()), text(err));
        assertTrue(text(out).contains("belongs to the private key"), text(out));

        Path otherKey = dir.resolve("s1.key");
        Path otherCert = dir.resolve("s1.crt");
        assertEquals(0, run("generate", "server 1", otherKey.toString(), otherCert.toString()));
        oneLineError(1, run("check", key.toString(), otherCert.toString()), "does not belong to the private key",
                otherCert.toString());
    }

    @Test
    void aKeyWhereACertificateBelongsIsOneLineWithoutAStackTrace() throws Exception {
        oneLineError(1, run("fingerprint", key.toString()), "keys fingerprint: " + key + " is a private key, not a certificate");
        oneLineError(1, run("check", cert.toString(), cert.toString()), cert + " is a certificate, not a private key");
    }

    @Test
    void missingGarbageAndExistingFilesAreOneLineErrors() throws Exception {
        oneLineError(1, run("fingerprint", dir.resolve("nope.pem").toString()), "no such file: " + dir.resolve("nope.pem"));
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "-----BEGIN CERTIFICATE-----\n%%%%\n-----END CERTIFICATE-----\n");
        oneLineError(1, run("fingerprint", garbage.toString()), garbage + " is not a readable PEM certificate");
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        oneLineError(1, run("fingerprint", empty.toString()), empty.toString(), "no PEM certificate");
        oneLineError(1, run("generate", "again", key.toString(), dir.resolve("c.pem").toString()),
                key + " exists; refusing to overwrite a private key");
        oneLineError(1, run("check", garbage.toString(), cert.toString()), garbage + " is not a readable PEM private key");
    }
}
