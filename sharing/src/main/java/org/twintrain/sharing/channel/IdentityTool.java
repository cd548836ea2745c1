package org.twintrain.sharing.channel;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Command line for a server operator: make this server's identity, or print the fingerprint of a certificate
 * (to compare, over a second path such as a phone call, with what the other operator reads out).
 * <pre>
 *   IdentityTool generate &lt;common name&gt; &lt;private key .pem&gt; &lt;certificate .pem&gt;
 *   IdentityTool fingerprint &lt;certificate .pem&gt;
 * </pre>
 * Hand the certificate file (never the key) to the other server, whose configuration pins it.
 */
public final class IdentityTool {
    private IdentityTool() {
    }

    public static void main(String[] args) throws IOException {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command; returns the process exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        if (args.length == 4 && args[0].equals("generate")) {
            PeerIdentity id = PeerIdentity.generate(args[1]);
            id.write(Path.of(args[2]), Path.of(args[3]));
            out.println("wrote " + args[2] + " (private key, keep it here) and " + args[3] + " (certificate)");
            out.println("SHA-256 " + id.fingerprint());
            return 0;
        }
        if (args.length == 2 && args[0].equals("fingerprint")) {
            out.println("SHA-256 " + PeerIdentity.fingerprint(PeerIdentity.readCertificate(Path.of(args[1]))));
            return 0;
        }
        err.println("usage: IdentityTool generate <common name> <key.pem> <cert.pem>");
        err.println("       IdentityTool fingerprint <cert.pem>");
        return 2;
    }
}
