package org.twintrain.sharing.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x9.X962Parameters;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeerIdentityTest {
    @TempDir
    Path dir;

    @Test
    void generatedCertificateIsSelfSignedP256WithTheGivenName() throws Exception {
        PeerIdentity id = PeerIdentity.generate("server 0");
        assertEquals("CN=server 0", id.certificate().getSubjectX500Principal().getName());
        assertEquals(id.certificate().getSubjectX500Principal(), id.certificate().getIssuerX500Principal());
        assertEquals("SHA256withECDSA", id.certificate().getSigAlgName());
        assertEquals(256, ((ECPublicKey) id.certificate().getPublicKey()).getParams().getCurve().getField().getFieldSize());
        id.certificate().verify(id.certificate().getPublicKey());
        id.certificate().checkValidity();
        // The private key belongs to the certificate.
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(id.privateKey());
        signer.update(new byte[] {1, 2, 3});
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(id.certificate());
        verifier.update(new byte[] {1, 2, 3});
        assertTrue(verifier.verify(signature));
    }

    @Test
    void fingerprintIsTheSha256OfTheDerCertificateInColonHex() throws Exception {
        PeerIdentity id = PeerIdentity.generate("fp");
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(id.certificate().getEncoded());
        String fp = id.fingerprint();
        assertEquals(32 * 3 - 1, fp.length());
        assertTrue(fp.matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"), fp);
        assertArrayEquals(digest, HexFormat.of().parseHex(fp.replace(":", "")));
        assertFalse(fp.equals(PeerIdentity.generate("fp").fingerprint()), "two keys, two fingerprints");
    }

    @Test
    void pemFilesRoundTripAndTheKeyFileIsOwnerOnly() throws Exception {
        PeerIdentity id = PeerIdentity.generate("round trip", Duration.ofDays(10));
        Path key = dir.resolve("server0.key.pem");
        Path cert = dir.resolve("server0.cert.pem");
        id.write(key, cert);

        assertTrue(Files.readString(key, StandardCharsets.US_ASCII).startsWith("-----BEGIN PRIVATE KEY-----"));
        assertTrue(Files.readString(cert, StandardCharsets.US_ASCII).startsWith("-----BEGIN CERTIFICATE-----"));
        if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        }
        PeerIdentity back = PeerIdentity.read(key, cert);
        assertArrayEquals(id.certificate().getEncoded(), back.certificate().getEncoded());
        assertArrayEquals(id.privateKey().getEncoded(), back.privateKey().getEncoded());
        assertEquals(id.fingerprint(), back.fingerprint());
        assertEquals(id.certificatePem(), Files.readString(cert, StandardCharsets.US_ASCII));
    }

    @Test
    void aTraditionalEcPrivateKeyFileIsReadToo() throws Exception {
        PeerIdentity id = PeerIdentity.generate("traditional");
        Path key = dir.resolve("ec.key");
        // The SEC1 form openssl writes (openssl ecparam -genkey): the key and the named curve prime256v1.
        ECPrivateKey k = (ECPrivateKey) id.privateKey();
        byte[] sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, k.getS(), null,
                new X962Parameters(SECObjectIdentifiers.secp256r1)).getEncoded();
        try (PemWriter writer = new PemWriter(Files.newBufferedWriter(key, StandardCharsets.US_ASCII))) {
            writer.writeObject(new PemObject("EC PRIVATE KEY", sec1));
        }
        assertTrue(Files.readString(key).startsWith("-----BEGIN EC PRIVATE KEY-----"), Files.readString(key));
        ECPrivateKey back = (ECPrivateKey) PeerIdentity.readPrivateKey(key);
        assertEquals(((ECPrivateKey) id.privateKey()).getS(), back.getS());
    }

    @Test
    void anExistingKeyFileIsNeverOverwritten() throws Exception {
        Path key = dir.resolve("k.pem");
        Files.writeString(key, "keep me");
        assertThrows(FileAlreadyExistsException.class,
                () -> PeerIdentity.generate("x").write(key, dir.resolve("c.pem")));
        assertEquals("keep me", Files.readString(key));
    }

    @Test
    void readingAFileWithoutTheExpectedPemBlockFailsNamingTheFile() throws Exception {
        PeerIdentity id = PeerIdentity.generate("swap");
        Path key = dir.resolve("k.pem");
        Path cert = dir.resolve("c.pem");
        id.write(key, cert);
        IOException e = assertThrows(IOException.class, () -> PeerIdentity.readCertificate(key));
        assertTrue(e.getMessage().contains(key.toString()), e.getMessage());
        IOException e2 = assertThrows(IOException.class, () -> PeerIdentity.readPrivateKey(cert));
        assertTrue(e2.getMessage().contains(cert.toString()), e2.getMessage());
    }

    @Test
    void identitiesReadFromPemFilesConnect() throws Exception {
        PeerIdentity.generate("file server 0").write(dir.resolve("0.key"), dir.resolve("0.crt"));
        PeerIdentity.generate("file server 1").write(dir.resolve("1.key"), dir.resolve("1.crt"));
        PeerIdentity zero = PeerIdentity.read(dir.resolve("0.key"), dir.resolve("0.crt"));
        PeerIdentity one = PeerIdentity.read(dir.resolve("1.key"), dir.resolve("1.crt"));
        ChannelConfig config = ChannelConfig.defaults().withAllTimeouts(Duration.ofSeconds(10));
        ExecutorService acceptor = Executors.newSingleThreadExecutor();
        try (TlsChannelServer server = TlsChannelServer.listen(0, one, PeerIdentity.readCertificate(dir.resolve("0.crt")),
                config)) {
            Future<TlsChannel> accepted = acceptor.submit(() -> server.accept("files"));
            try (TlsChannel client = TlsChannel.connect("127.0.0.1", server.port(), zero,
                    PeerIdentity.readCertificate(dir.resolve("1.crt")), config, "files");
                    TlsChannel serverSide = accepted.get(30, TimeUnit.SECONDS)) {
                client.send(new long[] {-1, Long.MIN_VALUE, 7});
                assertArrayEquals(new long[] {-1, Long.MIN_VALUE, 7}, serverSide.receive(3));
            }
        } finally {
            acceptor.shutdownNow();
        }
    }
}
