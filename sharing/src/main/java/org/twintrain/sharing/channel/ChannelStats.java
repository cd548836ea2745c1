package org.twintrain.sharing.channel;

import java.util.concurrent.atomic.AtomicLong;

/** Counters of one channel endpoint: payload bytes sent and received, and rounds (exchanges). */
public final class ChannelStats {
    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicLong bytesReceived = new AtomicLong();
    private final AtomicLong rounds = new AtomicLong();

    public void sent(long bytes) {
        bytesSent.addAndGet(bytes);
    }

    public void received(long bytes) {
        bytesReceived.addAndGet(bytes);
    }

    public void round() {
        rounds.incrementAndGet();
    }

    public long bytesSent() {
        return bytesSent.get();
    }

    public long bytesReceived() {
        return bytesReceived.get();
    }

    public long rounds() {
        return rounds.get();
    }

    @Override
    public String toString() {
        return "sent=" + bytesSent() + "B received=" + bytesReceived() + "B rounds=" + rounds();
    }
}
