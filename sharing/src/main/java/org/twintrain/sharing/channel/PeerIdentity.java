package org.twintrain.sharing.channel;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * One server's TLS identity: an EC P-256 private key and its self-signed X.509 certificate. The other server
 * pins this certificate (configuration holds its PEM file), so no CA is involved.
 *
 * <p>Bouncy Castle only builds, writes and parses the key and certificate; the key pair, the signature and
 * the TLS itself use the JDK's default providers (SunEC, SunJSSE), so no provider is registered globally.
 *
 * <p>Files: the certificate is a {@code CERTIFICATE} PEM block, the private key a PKCS#8 {@code PRIVATE KEY}
 * PEM block written owner-read/write only where the file system supports POSIX permissions. Traditional
 * {@code EC PRIVATE KEY} files (as written by {@code openssl ecparam -genkey}) are read as well.
 */
public final class PeerIdentity {
    /** Default validity of a generated certificate; pinning makes expiry a rotation reminder, not a trust input. */
    public static final Duration DEFAULT_VALIDITY = Duration.ofDays(3 * 365);

    private final PrivateKey privateKey;
    private final X509Certificate certificate;

    public PeerIdentity(PrivateKey privateKey, X509Certificate certificate) {
        this.privateKey = privateKey;
        this.certificate = certificate;
    }

    /** A fresh P-256 key pair and a self-signed certificate for {@code CN=commonName}, valid from now. */
    public static PeerIdentity generate(String commonName) {
        return generate(commonName, DEFAULT_VALIDITY);
    }

    public static PeerIdentity generate(String commonName, Duration validity) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair keys = generator.generateKeyPair();

            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
            Instant now = Instant.now();
            // Backdate a little so a peer whose clock runs slightly behind accepts the certificate.
            Date notBefore = Date.from(now.minus(Duration.ofHours(1)));
            Date notAfter = Date.from(now.plus(validity));
            BigInteger serial = new BigInteger(127, new SecureRandom());
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial, notBefore,
                    notAfter, subject, keys.getPublic());
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            X509CertificateHolder holder = builder.build(
                    new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(holder);
            return new PeerIdentity(keys.getPrivate(), certificate);
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot generate a P-256 identity for CN=" + commonName, e);
        }
    }

    /** Reads an identity from a private key PEM file and a certificate PEM file. */
    public static PeerIdentity read(Path privateKeyPem, Path certificatePem) throws IOException {
        return new PeerIdentity(readPrivateKey(privateKeyPem), readCertificate(certificatePem));
    }

    /**
     * Writes the private key and the certificate as PEM. The key file must not exist yet (an identity is
     * never overwritten by accident); the certificate file is replaced.
     */
    public void write(Path privateKeyPem, Path certificatePem) throws IOException {
        writeNew(privateKeyPem, toPem(privateKey));
        Files.writeString(certificatePem, certificatePem(), StandardCharsets.US_ASCII);
    }

    /** The certificate as a PEM string (to hand to the other server's operator for pinning). */
    public String certificatePem() {
        return toPem(certificate);
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The SHA-256 fingerprint of this identity's certificate, see {@link #fingerprint(X509Certificate)}. */
    public String fingerprint() {
        return fingerprint(certificate);
    }

    /** Reads the first certificate of a PEM file. */
    public static X509Certificate readCertificate(Path pem) throws IOException {
        try (Reader reader = Files.newBufferedReader(pem, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            Object object = parser.readObject();
            if (!(object instanceof X509CertificateHolder holder)) {
                throw new IOException(pem + " holds no PEM certificate (found "
                        + (object == null ? "nothing" : object.getClass().getSimpleName()) + ")");
            }
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (java.security.cert.CertificateException e) {
            throw new IOException("cannot decode the certificate in " + pem, e);
        }
    }

    /** Reads a PKCS#8 {@code PRIVATE KEY} or traditional {@code EC PRIVATE KEY} PEM file. */
    public static PrivateKey readPrivateKey(Path pem) throws IOException {
        try (Reader reader = Files.newBufferedReader(pem, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            Object object = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (object instanceof PEMKeyPair pair) {
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
            if (object instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            // Never echo file content: it is key material.
            throw new IOException(pem + " holds no unencrypted PEM private key (found "
                    + (object == null ? "nothing" : object.getClass().getSimpleName()) + ")");
        }
    }

    /** SHA-256 of the DER certificate as upper-case hex pairs joined by ':', the form {@code openssl x509 -fingerprint -sha256} prints. */
    public static String fingerprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot fingerprint certificate " + certificate.getSubjectX500Principal(), e);
        }
    }

    /** True when both certificates have the same DER encoding (a subject match alone is not enough). */
    static boolean sameCertificate(X509Certificate a, X509Certificate b) {
        try {
            return MessageDigest.isEqual(a.getEncoded(), b.getEncoded());
        } catch (CertificateEncodingException e) {
            return false;
        }
    }

    private static String toPem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            if (object instanceof PrivateKey key) {
                // PKCS#8, readable by openssl and by PEMParser alike.
                writer.writeObject(new JcaPKCS8Generator(key, null));
            } else {
                writer.writeObject(object);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + object.getClass().getSimpleName() + " as PEM", e);
        }
        return out.toString();
    }

    private static void writeNew(Path file, String content) throws IOException {
        if (Files.exists(file)) {
            throw new FileAlreadyExistsException(file.toString(), null, "refusing to overwrite a private key");
        }
        boolean posix = file.toAbsolutePath().getParent() != null
                && Files.getFileStore(file.toAbsolutePath().getParent()).supportsFileAttributeView("posix");
        if (posix) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(file);
        }
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING)) {
            writer.write(content);
        }
    }

    @Override
    public String toString() {
        return "PeerIdentity[" + certificate.getSubjectX500Principal().getName() + ", SHA-256 " + fingerprint() + "]";
    }
}
