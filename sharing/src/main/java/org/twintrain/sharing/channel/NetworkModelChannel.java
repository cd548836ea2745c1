package org.twintrain.sharing.channel;

import java.util.concurrent.locks.LockSupport;

/**
 * A channel that behaves as if its peer were across the network of a {@link NetworkModel}: each round ({@link
 * #exchange}) and each {@link #receive} is held for the round trip, and each message's bytes are paced to the
 * bandwidth before it goes out. It wraps the real channel (in memory or TLS), so the protocol, the bytes and the
 * rounds are the real ones; only time is added, and the added time is counted ({@link #modeledSeconds}) so a
 * benchmark can split a step into compute and network. The simulation of a link, not a link: documented as such
 * wherever a figure comes from it.
 */
public final class NetworkModelChannel implements Channel {
    private final Channel inner;
    private final NetworkModel model;
    private long modeledNanos;

    public NetworkModelChannel(Channel inner, NetworkModel model) {
        this.inner = inner;
        this.model = model;
    }

    /** The channel itself when the model is none, else the channel behind the model. */
    public static Channel wrap(Channel inner, NetworkModel model) {
        return model.isNone() ? inner : new NetworkModelChannel(inner, model);
    }

    @Override
    public long[] exchange(long[] mine) {
        long[] theirs = inner.exchange(mine);
        hold(model.seconds(1, 8L * mine.length));
        return theirs;
    }

    @Override
    public void send(long[] words) {
        hold(model.seconds(0, 8L * words.length));
        inner.send(words);
    }

    @Override
    public long[] receive(int length) {
        long[] words = inner.receive(length);
        hold(model.seconds(1, 0));
        return words;
    }

    /** Seconds this channel has added so far (rounds x RTT + bytes / bandwidth). */
    public synchronized double modeledSeconds() {
        return modeledNanos / 1e9;
    }

    public NetworkModel model() {
        return model;
    }

    private void hold(double seconds) {
        long nanos = (long) (seconds * 1e9);
        synchronized (this) {
            modeledNanos += nanos;
        }
        long end = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = end - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    @Override
    public String peerName() {
        return inner.peerName() + " (network model " + model + ")";
    }

    @Override
    public ChannelStats stats() {
        return inner.stats();
    }

    @Override
    public void close() {
        inner.close();
    }
}
