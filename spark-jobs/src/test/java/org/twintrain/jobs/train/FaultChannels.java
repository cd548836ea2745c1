package org.twintrain.jobs.train;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.twintrain.sharing.channel.Channel;
import org.twintrain.sharing.channel.ChannelStats;
import org.twintrain.sharing.channel.InMemoryChannel;

/**
 * Channel openers for fault tests (no hook in production code): a fresh in-memory pair per attempt (the k-th
 * open of party 0 pairs with the k-th open of party 1), and optionally, on one attempt, one party's end closed
 * after a number of exchanges, as if its connection or its task died mid-step.
 *
 * @param inner       opens the real channel; null for per-attempt in-memory pairs
 * @param failParty   whose end breaks (-1: none)
 * @param failAttempt on which attempt (1 = the first)
 * @param afterRounds how many exchanges succeed before the end is closed
 * @param stall       instead of closing, the end goes silent: it neither sends nor closes (a hung peer) until
 *                    its task is cancelled
 */
record FaultChannels(String name, ChannelOpener inner, int failParty, int failAttempt, long afterRounds,
        boolean stall) implements ChannelOpener {
    private static final Map<String, InMemoryChannel[]> PAIRS = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> OPENS = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> FAULTS = new ConcurrentHashMap<>();

    static FaultChannels healthy(String name) {
        return new FaultChannels(name, null, -1, 0, 0, false);
    }

    static FaultChannels breaking(String name, int party, int attempt, long afterRounds) {
        return new FaultChannels(name, null, party, attempt, afterRounds, false);
    }

    /** Party's end of inner's channel goes silent after afterRounds exchanges of the first attempt. */
    static FaultChannels stalling(String name, ChannelOpener inner, int party, long afterRounds) {
        return new FaultChannels(name, inner, party, 1, afterRounds, true);
    }

    /** How many times party's end was opened (= attempts that reached the channel). */
    static int opens(String name, int party) {
        return OPENS.getOrDefault(name + "/" + party, new AtomicInteger()).get();
    }

    /** How many faults were injected. */
    static int faults(String name) {
        return FAULTS.getOrDefault(name, new AtomicInteger()).get();
    }

    @Override
    public Channel open(int party, int task) {
        int attempt = OPENS.computeIfAbsent(name + "/" + party, k -> new AtomicInteger()).incrementAndGet();
        Channel c = inner != null ? inner.open(party, task)
                : PAIRS.computeIfAbsent(name + "/" + task + "/" + attempt, k -> InMemoryChannel.pair(20_000))[party];
        if (party == failParty && attempt == failAttempt) {
            return new Breaking(c, afterRounds, stall, FAULTS.computeIfAbsent(name, k -> new AtomicInteger()));
        }
        return c;
    }

    /** The channels among one server's tasks are inner's (untouched); without inner, refused as one-task. */
    @Override
    public java.util.List<Channel> siblings(int party, int task, int tasks,
            java.util.function.Function<String, String[]> allGather) {
        return inner != null ? inner.siblings(party, task, tasks, allGather)
                : ChannelOpener.super.siblings(party, task, tasks, allGather);
    }

    /** Party's end of inner's channel closes after afterRounds exchanges of the first attempt. */
    static FaultChannels breaking(String name, ChannelOpener inner, int party, long afterRounds) {
        return new FaultChannels(name, inner, party, 1, afterRounds, false);
    }

    /** Closes the real channel before exchange number limit + 1, which then fails as a dead connection does. */
    private static final class Breaking implements Channel {
        private final Channel c;
        private final long limit;
        private final boolean stall;
        private final AtomicInteger faults;
        private long exchanges;

        Breaking(Channel c, long limit, boolean stall, AtomicInteger faults) {
            this.c = c;
            this.limit = limit;
            this.stall = stall;
            this.faults = faults;
        }

        @Override
        public long[] exchange(long[] mine) {
            if (exchanges++ == limit) {
                faults.incrementAndGet();
                if (stall) {
                    try {
                        Thread.sleep(120_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throw new IllegalStateException("the stalled test end was woken up by its task's cancellation");
                }
                c.close();
            }
            return c.exchange(mine);
        }

        @Override
        public void send(long[] words) {
            c.send(words);
        }

        @Override
        public long[] receive(int length) {
            return c.receive(length);
        }

        @Override
        public String peerName() {
            return c.peerName();
        }

        @Override
        public ChannelStats stats() {
            return c.stats();
        }

        @Override
        public void close() {
            c.close();
        }
    }
}
