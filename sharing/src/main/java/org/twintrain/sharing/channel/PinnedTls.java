package org.twintrain.sharing.channel;

import java.net.Socket;
import java.net.SocketAddress;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS 1.3 context of one connection (SunJSSE): it presents the own identity and trusts exactly the pinned
 * peer certificate, compared byte for byte on its DER encoding. A fresh instance per connection keeps the
 * reason of a refusal with that connection, so the caller's exception can name both fingerprints.
 */
final class PinnedTls {
    static final String PROTOCOL = "TLSv1.3";
    private static final Logger LOG = LoggerFactory.getLogger(PinnedTls.class);
    private static final String ALIAS = "twintrain-peer";

    private final PeerIdentity own;
    private final X509Certificate pinned;
    private final SocketAddress peer;
    private final SSLContext context;
    private volatile String refusal;

    /** {@code peer}: the remote address, named in refusals (an SSLEngine does not know its socket). */
    PinnedTls(PeerIdentity own, X509Certificate pinned, SocketAddress peer) {
        this.own = own;
        this.pinned = pinned;
        this.peer = peer;
        try {
            context = SSLContext.getInstance(PROTOCOL);
            context.init(new KeyManager[] {new OwnKeyManager()}, new TrustManager[] {new PinnedTrustManager()},
                    new SecureRandom());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up a " + PROTOCOL + " context", e);
        }
    }

    SSLContext context() {
        return context;
    }

    /** Why this side refused the peer's certificate, or null if it did not. */
    String refusal() {
        return refusal;
    }

    private void check(X509Certificate[] chain, Socket socket) throws CertificateException {
        String peer = String.valueOf(socket == null ? this.peer : socket.getRemoteSocketAddress());
        if (chain == null || chain.length == 0) {
            refusal = "peer " + peer + " presented no certificate, expected SHA-256 " + PeerIdentity.fingerprint(pinned);
            LOG.warn("Refused TLS peer {}: it presented no certificate; the pinned peer certificate is SHA-256 {}",
                    peer, PeerIdentity.fingerprint(pinned));
            throw new CertificateException(refusal);
        }
        // Only the leaf matters: the peer's certificate is pinned, there is no chain to build.
        if (!PeerIdentity.sameCertificate(chain[0], pinned)) {
            String presented = PeerIdentity.fingerprint(chain[0]);
            String expected = PeerIdentity.fingerprint(pinned);
            refusal = "peer " + peer + " presented certificate SHA-256 " + presented + " ("
                    + chain[0].getSubjectX500Principal().getName() + "), expected the pinned SHA-256 " + expected;
            LOG.warn("Refused TLS peer {}: it presented certificate SHA-256 {} ({}) but the pinned peer certificate "
                    + "is SHA-256 {} ({})", peer, presented, chain[0].getSubjectX500Principal().getName(), expected,
                    pinned.getSubjectX500Principal().getName());
            throw new CertificateException(refusal);
        }
    }

    /** Trusts the pinned certificate and nothing else, for both directions. */
    private final class PinnedTrustManager extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain, socket);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain, null);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain, null);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain, null);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain, null);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[] {pinned};
        }
    }

    /**
     * Always presents the own identity, whatever issuers the peer asks for: a peer that pins some other
     * certificate should see ours and refuse it with a clear log line, not receive an empty certificate.
     */
    private final class OwnKeyManager extends X509ExtendedKeyManager {
        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {ALIAS};
        }

        @Override
        public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
            for (String keyType : keyTypes) {
                if (matches(keyType)) {
                    return ALIAS;
                }
            }
            return null;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return new String[] {ALIAS};
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return matches(keyType) ? ALIAS : null;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
            return chooseClientAlias(keyTypes, issuers, null);
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return chooseServerAlias(keyType, issuers, null);
        }

        /** Offer the key only for its own signature family (EC for generated identities). */
        private boolean matches(String keyType) {
            return own.privateKey().getAlgorithm().equalsIgnoreCase(keyType);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return ALIAS.equals(alias) ? new X509Certificate[] {own.certificate()} : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return ALIAS.equals(alias) ? own.privateKey() : null;
        }
    }
}
