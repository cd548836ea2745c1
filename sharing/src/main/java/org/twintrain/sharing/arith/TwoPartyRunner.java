package org.twintrain.sharing.arith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.twintrain.sharing.channel.Channel;
import org.twintrain.sharing.channel.ChannelStats;
import org.twintrain.sharing.channel.InMemoryChannel;
import org.twintrain.sharing.protocol.ComparisonProtocol;
import org.twintrain.sharing.protocol.TruncationMode;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.triples.DealerTripleSource;

/**
 * Runs one body as both parties inside this JVM: two threads, each with a {@link TwoPartyArithmetic} over its
 * end of an {@link InMemoryChannel} pair and a {@link DealerTripleSource} with the same dealer seed. For tests,
 * the demo and single-process emulation; a real run puts the parties on two servers.
 *
 * <p>Failures: the first party to fail is reported ({@link TwoPartyException} naming the party, with the
 * original exception as cause); its channel is then closed so the other party stops instead of waiting. A
 * silent peer is caught by the channel timeout and the whole run by the overall timeout: it never hangs.
 */
public final class TwoPartyRunner {
    private final FixedPoint codec;
    private final TruncationMode truncation;
    private final ComparisonProtocol comparison;
    private final byte[] dealerSeed;
    private final Duration channelTimeout;
    private final Duration runTimeout;

    /** Both parties' results and their channel counters (party 0's and party 1's endpoint). */
    public record Result<T>(T party0, T party1, ChannelStats stats0, ChannelStats stats1) {
    }

    /** A party's body failed, or the run timed out. */
    public static final class TwoPartyException extends RuntimeException {
        public TwoPartyException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public TwoPartyRunner(FixedPoint codec, TruncationMode truncation, ComparisonProtocol comparison,
            byte[] dealerSeed, Duration channelTimeout, Duration runTimeout) {
        this.codec = codec;
        this.truncation = truncation;
        this.comparison = comparison;
        this.dealerSeed = dealerSeed.clone();
        this.channelTimeout = channelTimeout;
        this.runTimeout = runTimeout;
    }

    /** Channel timeout 30 s, run timeout 10 minutes. */
    public TwoPartyRunner(FixedPoint codec, TruncationMode truncation, ComparisonProtocol comparison,
            byte[] dealerSeed) {
        this(codec, truncation, comparison, dealerSeed, Duration.ofSeconds(30), Duration.ofMinutes(10));
    }

    /** With the default comparison protocol. */
    public TwoPartyRunner(FixedPoint codec, TruncationMode truncation, byte[] dealerSeed) {
        this(codec, truncation, ComparisonProtocol.DEFAULT, dealerSeed);
    }

    public TwoPartyRunner(FixedPoint codec, TruncationMode truncation, byte[] dealerSeed, Duration channelTimeout,
            Duration runTimeout) {
        this(codec, truncation, ComparisonProtocol.DEFAULT, dealerSeed, channelTimeout, runTimeout);
    }

    /** Runs body once per party, concurrently, over an in-memory channel pair, and returns both results. */
    public <T> Result<T> run(Function<TwoPartyArithmetic, T> body) {
        return run(body, InMemoryChannel.pair(channelTimeout.toMillis()));
    }

    /**
     * The same over a given connected pair {party 0's end, party 1's end} (e.g. TLS on loopback); the runner
     * closes both ends when done.
     */
    public <T> Result<T> run(Function<TwoPartyArithmetic, T> body, Channel[] channels) {
        ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "two-party-runner");
            t.setDaemon(true);
            return t;
        });
        ExecutorCompletionService<Object> done = new ExecutorCompletionService<>(pool);
        // Set before a failing party closes its channel, so the peer's consequent failure never wins the race.
        AtomicReference<TwoPartyException> first = new AtomicReference<>();
        List<Future<Object>> futures = new ArrayList<>();
        try {
            for (int p = 0; p < 2; p++) {
                int party = p;
                futures.add(done.submit(() -> {
                    Thread.currentThread().setName("two-party-runner party " + party);
                    try (DealerTripleSource triples = new DealerTripleSource(party, dealerSeed, codec)) {
                        return body.apply(new TwoPartyArithmetic(party, channels[party], triples, codec, truncation, comparison));
                    } catch (RuntimeException | Error e) {
                        first.compareAndSet(null, new TwoPartyException("party " + party + " failed: " + e, e));
                        channels[party].close();
                        throw e;
                    }
                }));
            }
            long deadline = System.nanoTime() + runTimeout.toNanos();
            for (int finished = 0; finished < 2; finished++) {
                Future<Object> f = done.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (f == null) {
                    throw new TwoPartyException("two-party run did not finish within " + runTimeout, null);
                }
                try {
                    f.get();
                } catch (ExecutionException e) {
                    TwoPartyException failure = first.get();
                    throw failure != null ? failure : new TwoPartyException("a party failed: " + e.getCause(), e);
                }
            }
            @SuppressWarnings("unchecked")
            T r0 = (T) futures.get(0).get();
            @SuppressWarnings("unchecked")
            T r1 = (T) futures.get(1).get();
            return new Result<>(r0, r1, channels[0].stats(), channels[1].stats());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TwoPartyException("interrupted while waiting for the parties", e);
        } catch (ExecutionException e) {
            throw new TwoPartyException("a party failed: " + e.getCause(), e.getCause());
        } finally {
            channels[0].close();
            channels[1].close();
            pool.shutdownNow();
        }
    }
}
