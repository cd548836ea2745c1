package org.twintrain.sharing.channel;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Two connected endpoints inside one JVM, for tests and single-process emulation. Messages are copied, so a
 * party can never alias the other's arrays. Sequence-numbered like the TLS channel, and a peer that stays
 * silent longer than the timeout raises {@link ChannelException} instead of hanging. After any failure the
 * endpoint stays failed (every later call throws), as the TLS channel does.
 */
public final class InMemoryChannel implements Channel {
    private static final int QUEUE_CAPACITY = 1024;

    private record Message(long sequence, long[] words) {
    }

    private final String peerName;
    private final BlockingQueue<Message> inbox;
    private final BlockingQueue<Message> outbox;
    private final long timeoutMillis;
    private final ChannelStats stats = new ChannelStats();
    private long sendSequence;
    private final SequenceCheck receiveCheck;
    private volatile boolean closed;
    private volatile ChannelException failure;

    private InMemoryChannel(String peerName, BlockingQueue<Message> inbox, BlockingQueue<Message> outbox,
            long timeoutMillis) {
        this.peerName = peerName;
        this.receiveCheck = new SequenceCheck(peerName);
        this.inbox = inbox;
        this.outbox = outbox;
        this.timeoutMillis = timeoutMillis;
    }

    /** Returns {endpoint of party 0, endpoint of party 1}. */
    public static InMemoryChannel[] pair(long timeoutMillis) {
        BlockingQueue<Message> toZero = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
        BlockingQueue<Message> toOne = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
        return new InMemoryChannel[] {
            new InMemoryChannel("in-memory party 1", toZero, toOne, timeoutMillis),
            new InMemoryChannel("in-memory party 0", toOne, toZero, timeoutMillis)
        };
    }

    public static InMemoryChannel[] pair() {
        return pair(60_000);
    }

    @Override
    public long[] exchange(long[] mine) {
        send(mine);
        long[] theirs = receive(mine.length);
        stats.round();
        return theirs;
    }

    @Override
    public void send(long[] words) {
        ensureOpen();
        try {
            if (!outbox.offer(new Message(sendSequence++, words.clone()), timeoutMillis, TimeUnit.MILLISECONDS)) {
                throw fail(new ChannelException("timed out after " + timeoutMillis + " ms sending to " + peerName));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fail(new ChannelException("interrupted while sending to " + peerName, e));
        }
        stats.sent(8L * words.length);
    }

    @Override
    public long[] receive(int length) {
        ensureOpen();
        Message m;
        try {
            m = inbox.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fail(new ChannelException("interrupted while waiting for " + peerName, e));
        }
        if (m == null) {
            throw fail(new ChannelException("no message from " + peerName + " within " + timeoutMillis + " ms"));
        }
        if (m.words == null) {
            closed = true;
            throw fail(new ChannelException("channel closed by " + peerName));
        }
        try {
            receiveCheck.accept(m.sequence, m.words.length, length);
        } catch (ChannelException e) {
            throw fail(e);
        }
        stats.received(8L * length);
        return m.words;
    }

    /**
     * Fail-stop, like the TLS channel: after a timeout or a bad message the two parties are out of step, so a
     * late message must never be taken for the answer of a later call.
     */
    private ChannelException fail(ChannelException e) {
        if (failure == null) {
            failure = e;
        }
        return e;
    }

    @Override
    public String peerName() {
        return peerName;
    }

    @Override
    public ChannelStats stats() {
        return stats;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            outbox.offer(new Message(-1, null));
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new ChannelException("channel to " + peerName + " is closed");
        }
        ChannelException f = failure;
        if (f != null) {
            throw new ChannelException("channel to " + peerName + " failed earlier: " + f.getMessage(), f);
        }
    }
}
