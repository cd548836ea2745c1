package org.twintrain.sharing.channel;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;

/**
 * A server operator's key tool (behind {@code submit/twintrain keys}): make this server's identity, print the
 * fingerprint of a certificate (to compare, over a second path such as a phone call, with what the other
 * operator reads out), or check that a certificate belongs to a private key.
 * <pre>
 *   IdentityTool generate &lt;common name&gt; &lt;private key .pem&gt; &lt;certificate .pem&gt;
 *   IdentityTool fingerprint &lt;certificate .pem&gt;
 *   IdentityTool check &lt;private key .pem&gt; &lt;certificate .pem&gt;
 * </pre>
 * Hand the certificate file (never the key) to the other server, whose configuration pins it. Every error is
 * one line naming the file and what is wrong with it (never the file's content: it may be key material), with
 * exit code 1; a usage error has exit code 2.
 */
public final class IdentityTool {
    private IdentityTool() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command; returns the process exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, "IdentityTool");
    }

    /** As {@link #run(String[], PrintStream, PrintStream)}, with {@code prefix} starting every error line. */
    public static int run(String[] args, PrintStream out, PrintStream err, String prefix) {
        String command = args.length == 0 ? "" : args[0];
        try {
            if (args.length == 4 && command.equals("generate")) {
                PeerIdentity id = PeerIdentity.generate(args[1]);
                for (String f : new String[] {args[2], args[3]}) {
                    Path parent = Path.of(f).toAbsolutePath().getParent();
                    if (parent != null) {
                        java.nio.file.Files.createDirectories(parent);
                    }
                }
                id.write(Path.of(args[2]), Path.of(args[3]));
                out.println("wrote " + args[2] + " (private key, keep it here) and " + args[3]
                        + " (certificate, hand it to the other server)");
                out.println("SHA-256 " + id.fingerprint());
                return 0;
            }
            if (args.length == 2 && command.equals("fingerprint")) {
                out.println("SHA-256 " + PeerIdentity.fingerprint(certificate(Path.of(args[1]))));
                return 0;
            }
            if (args.length == 3 && command.equals("check")) {
                PrivateKey key = privateKey(Path.of(args[1]));
                X509Certificate cert = certificate(Path.of(args[2]));
                if (!belongsTo(cert, key)) {
                    err.println(prefix + " check: the certificate " + args[2] + " (SHA-256 "
                            + PeerIdentity.fingerprint(cert) + ") does not belong to the private key " + args[1]);
                    return 1;
                }
                out.println("the certificate " + args[2] + " belongs to the private key " + args[1]);
                out.println("SHA-256 " + PeerIdentity.fingerprint(cert));
                return 0;
            }
        } catch (IOException | RuntimeException e) {
            err.println(prefix + " " + command + ": " + oneLine(e));
            return 1;
        }
        err.println("usage: " + prefix + " generate <common name> <key.pem> <cert.pem>");
        err.println("       " + prefix + " fingerprint <cert.pem>");
        err.println("       " + prefix + " check <key.pem> <cert.pem>");
        return 2;
    }

    /** True when the certificate's public key verifies a signature made with the private key. */
    static boolean belongsTo(X509Certificate cert, PrivateKey key) {
        String algorithm = "EC".equals(key.getAlgorithm()) ? "SHA256withECDSA"
                : "RSA".equals(key.getAlgorithm()) ? "SHA256withRSA" : null;
        if (algorithm == null || !key.getAlgorithm().equals(cert.getPublicKey().getAlgorithm())) {
            return false;
        }
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(cert.getPublicKey());
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static X509Certificate certificate(Path file) throws IOException {
        try {
            return PeerIdentity.readCertificate(file);
        } catch (IOException | RuntimeException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("(found PrivateKeyInfo)") || m.contains("(found PEMKeyPair)")) {
                throw new IOException(file + " is a private key, not a certificate (give the certificate file;"
                        + " the key never leaves its server)");
            }
            throw unreadable(file, "certificate", e);
        }
    }

    private static PrivateKey privateKey(Path file) throws IOException {
        try {
            return PeerIdentity.readPrivateKey(file);
        } catch (IOException | RuntimeException e) {
            if (String.valueOf(e.getMessage()).contains("(found X509CertificateHolder)")) {
                throw new IOException(file + " is a certificate, not a private key");
            }
            throw unreadable(file, "private key", e);
        }
    }

    /** Keeps file-system errors and messages that already name the file; anything else names file and kind. */
    private static IOException unreadable(Path file, String kind, Exception e) {
        if (e instanceof java.nio.file.FileSystemException f) {
            return f;
        }
        if (e instanceof IOException io && String.valueOf(e.getMessage()).startsWith(file.toString())) {
            return io;
        }
        return new IOException(file + " is not a readable PEM " + kind);
    }

    /** The exception as one line: a missing or existing file named plainly, any other message flattened. */
    private static String oneLine(Exception e) {
        if (e instanceof NoSuchFileException n) {
            return "no such file: " + n.getFile();
        }
        if (e instanceof FileAlreadyExistsException x) {
            return x.getFile() + " exists; refusing to overwrite a private key (choose another file)";
        }
        if (e instanceof java.nio.file.AccessDeniedException a) {
            return "permission denied: " + a.getFile();
        }
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
