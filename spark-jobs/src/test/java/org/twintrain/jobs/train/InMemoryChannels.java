package org.twintrain.jobs.train;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.twintrain.sharing.channel.Channel;
import org.twintrain.sharing.channel.InMemoryChannel;

/** Pairs the two servers' tasks of a local-mode test through an in-memory channel, keyed by a name. */
public final class InMemoryChannels {
    private static final Map<String, InMemoryChannel[]> PAIRS = new ConcurrentHashMap<>();

    private InMemoryChannels() {
    }

    public static ChannelOpener named(String name) {
        return (party, task) -> {
            Channel c = PAIRS.computeIfAbsent(name + "/" + task, k -> InMemoryChannel.pair(30_000))[party];
            return c;
        };
    }
}
