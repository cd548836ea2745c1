package org.twintrain.sharing.channel;

/**
 * The link between party 0 and party 1 of one task pair: the only path by which values cross between the two
 * servers. Everything sent over it is a masked opening. Implementations: {@link InMemoryChannel} (a pair
 * inside one JVM, for tests) and {@link TlsChannel} (TCP with mutual TLS and a pinned peer certificate).
 *
 * <p>Call order: both parties call {@link #exchange} with the same length at the same point of the program;
 * it sends this party's words and returns the peer's. One exchange is one communication round. Exchange
 * must not deadlock for any length (a writer thread, not "both write then both read").
 *
 * <p>Failures: a closed or broken connection, or a peer silent for longer than the configured timeout,
 * throws {@link ChannelException} naming the peer; it never hangs. Messages carry sequence numbers so a
 * replayed, dropped or reordered message is detected.
 */
public interface Channel extends AutoCloseable {

    /** Sends {@code mine} and returns the peer's message of the same length: one round. */
    long[] exchange(long[] mine);

    /** Sends without waiting for an answer (counted in bytes, not as a round on its own). */
    void send(long[] words);

    /** Receives a message of exactly {@code length} words. */
    long[] receive(int length);

    /** Who is at the other end, for error messages and logs (an address or a test name; never a secret). */
    String peerName();

    /** Bytes and rounds so far. */
    ChannelStats stats();

    @Override
    void close();
}
