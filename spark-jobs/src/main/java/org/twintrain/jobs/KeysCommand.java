package org.twintrain.jobs;

import java.util.Arrays;
import java.util.Set;
import org.twintrain.sharing.channel.IdentityTool;

/**
 * {@code keys}: a server operator's key pair (EC P-256 key and self-signed certificate), the fingerprint of a
 * certificate, and the check that a certificate belongs to a key; see {@link IdentityTool}. Needs no Spark.
 */
final class KeysCommand implements Command {

    @Override
    public String name() {
        return "keys";
    }

    @Override
    public String summary() {
        return "a server's key pair: generate it, print a certificate's fingerprint, check a certificate against a key";
    }

    @Override
    public String usage() {
        return """
                usage: submit/twintrain keys generate --name NAME --key FILE --cert FILE
                       submit/twintrain keys fingerprint --cert FILE
                       submit/twintrain keys check --key FILE --cert FILE

                generate     a fresh P-256 private key (written owner-only; an existing key file is never
                             overwritten) and its self-signed certificate for CN=NAME; prints its fingerprint.
                             Hand the certificate (never the key) to the other server's operator.
                fingerprint  the SHA-256 fingerprint of a certificate, as openssl x509 -fingerprint -sha256
                             prints it: compare it over a second path (a call) with what the other operator
                             reads out before pinning the certificate (channel.serverN.peerCert).
                check        whether a certificate belongs to a private key (exit code 0 if it does, 1 if not).

                Errors are one line, naming the file and what is wrong with it.""";
    }

    @Override
    public int run(String[] args) {
        if (args.length == 0) {
            throw new IllegalArgumentException("keys needs a subcommand: generate, fingerprint or check (see keys --help)");
        }
        String sub = args[0];
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        String[] tool = switch (sub) {
            case "generate" -> {
                CommandLine line = CommandLine.parse("keys generate", rest, Set.of("name", "key", "cert"), Set.of());
                yield new String[] {sub, line.require("name"), line.require("key"), line.require("cert")};
            }
            case "fingerprint" -> {
                CommandLine line = CommandLine.parse("keys fingerprint", rest, Set.of("cert"), Set.of());
                yield new String[] {sub, line.require("cert")};
            }
            case "check" -> {
                CommandLine line = CommandLine.parse("keys check", rest, Set.of("key", "cert"), Set.of());
                yield new String[] {sub, line.require("key"), line.require("cert")};
            }
            default -> throw new IllegalArgumentException("unknown keys subcommand '" + sub
                    + "'; one of generate, fingerprint, check (see keys --help)");
        };
        return IdentityTool.run(tool, System.out, System.err, "twintrain keys");
    }
}
