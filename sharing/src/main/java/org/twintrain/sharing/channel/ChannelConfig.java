package org.twintrain.sharing.channel;

import java.time.Duration;
import java.util.Objects;

/**
 * Network settings of a {@link TlsChannel}; immutable, change one setting with the {@code with...} methods.
 *
 * @param bindAddress       address the {@link TlsChannelServer} listens on (tests: 127.0.0.1)
 * @param connectTimeout    how long {@link TlsChannel#connect} keeps trying to open the TCP connection
 *                          (a refused connection is retried until then: the peer may start later)
 * @param acceptTimeout     how long {@link TlsChannelServer#accept} waits for the peer to connect
 * @param handshakeTimeout  limit on the TLS handshake plus the run-id hello, so a peer that accepts TCP but
 *                          never speaks TLS is detected
 * @param readTimeout       longest silence of the peer during a receive or exchange; also bounds how long a
 *                          write may stay blocked on a peer that stopped reading
 */
public record ChannelConfig(String bindAddress, Duration connectTimeout, Duration acceptTimeout,
        Duration handshakeTimeout, Duration readTimeout) {

    public ChannelConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        requirePositive("connectTimeout", connectTimeout);
        requirePositive("acceptTimeout", acceptTimeout);
        requirePositive("handshakeTimeout", handshakeTimeout);
        requirePositive("readTimeout", readTimeout);
    }

    /** Loopback, 30 s to connect, 10 min to accept, 30 s handshake, 2 min read timeout. */
    public static ChannelConfig defaults() {
        return new ChannelConfig("127.0.0.1", Duration.ofSeconds(30), Duration.ofMinutes(10), Duration.ofSeconds(30),
                Duration.ofMinutes(2));
    }

    public ChannelConfig withBindAddress(String address) {
        return new ChannelConfig(address, connectTimeout, acceptTimeout, handshakeTimeout, readTimeout);
    }

    public ChannelConfig withConnectTimeout(Duration timeout) {
        return new ChannelConfig(bindAddress, timeout, acceptTimeout, handshakeTimeout, readTimeout);
    }

    public ChannelConfig withAcceptTimeout(Duration timeout) {
        return new ChannelConfig(bindAddress, connectTimeout, timeout, handshakeTimeout, readTimeout);
    }

    public ChannelConfig withHandshakeTimeout(Duration timeout) {
        return new ChannelConfig(bindAddress, connectTimeout, acceptTimeout, timeout, readTimeout);
    }

    public ChannelConfig withReadTimeout(Duration timeout) {
        return new ChannelConfig(bindAddress, connectTimeout, acceptTimeout, handshakeTimeout, timeout);
    }

    /** The same duration for every timeout (handy in tests). */
    public ChannelConfig withAllTimeouts(Duration timeout) {
        return new ChannelConfig(bindAddress, timeout, timeout, timeout, timeout);
    }

    private static void requirePositive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        // Socket timeouts are int milliseconds, and 0 would mean "wait forever".
        if (d.toMillis() <= 0 || d.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " must be between 1 ms and " + Integer.MAX_VALUE + " ms, got " + d);
        }
    }

    static int millis(Duration d) {
        return (int) d.toMillis();
    }
}
