package org.twintrain.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.twintrain.sharing.arith.FixedPointArithmetic;
import org.twintrain.sharing.arith.TwoPartyArithmetic;
import org.twintrain.sharing.channel.InMemoryChannel;
import org.twintrain.sharing.protocol.TruncationMode;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.ring.LongMatrix;
import org.twintrain.sharing.triples.Correlation;
import org.twintrain.sharing.triples.Dealer;
import org.twintrain.sharing.triples.TripleKey;
import org.twintrain.sharing.triples.TripleSource;

/**
 * The online secure matrix product (Beaver matrix triple, SecureML local truncation) on two parties in this
 * JVM over the in-memory channel, next to the cleartext fixed-point product of the same shape (ring product
 * plus truncation). The triple is made once in setup: the offline phase is not timed here, and the
 * benchmark's source hands the same triple for every key, which only a benchmark may do (reusing a triple
 * in a real run would reveal the difference of two masked values). {@code bytesPerParty} is counted by the
 * channel; the analytical count is 8 (m k + k n) bytes per party and product.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SecureMatMulBenchmark {

    @Param({"128x784x128", "128x128x10"})
    public String shape;

    private ExecutorService party1;
    private TwoPartyArithmetic[] parties;
    private InMemoryChannel[] channels;
    private LongMatrix[][] shares;
    private FixedPointArithmetic twin;
    private LongMatrix a;
    private LongMatrix b;

    @Setup(Level.Trial)
    public void setUp() {
        Shape s = Shape.parse(shape);
        FixedPoint codec = FixedPoint.defaults();
        SplittableRandom rnd = new SplittableRandom(7);
        a = values(s.m(), s.k(), codec, rnd);
        b = values(s.k(), s.n(), codec, rnd);
        twin = new FixedPointArithmetic(codec);
        Dealer dealer = new Dealer(new byte[32], codec);
        TripleKey key = new TripleKey(0, 0, "bench", 0, TripleKey.Kind.MATMUL, new int[] {s.m(), s.k(), s.n()});
        Correlation[] halves = dealer.halves(key);
        channels = InMemoryChannel.pair(60_000);
        parties = new TwoPartyArithmetic[2];
        shares = new LongMatrix[2][];
        LongMatrix a0 = values(s.m(), s.k(), codec, rnd);
        LongMatrix b0 = values(s.k(), s.n(), codec, rnd);
        shares[0] = new LongMatrix[] {a0, b0};
        shares[1] = new LongMatrix[] {a.sub(a0), b.sub(b0)};
        for (int p = 0; p < 2; p++) {
            parties[p] = new TwoPartyArithmetic(p, channels[p], new FixedTriple(p, halves[p]), codec,
                    TruncationMode.LOCAL);
        }
        party1 = Executors.newSingleThreadExecutor();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        party1.shutdownNow();
        channels[0].close();
        channels[1].close();
    }

    private static LongMatrix values(int rows, int cols, FixedPoint codec, SplittableRandom rnd) {
        long[] d = new long[rows * cols];
        for (int i = 0; i < d.length; i++) {
            d[i] = codec.encode(rnd.nextDouble(-4, 4));
        }
        return new LongMatrix(rows, cols, d);
    }

    @Benchmark
    public Object secure() throws Exception {
        Future<Object> other = party1.submit(() -> parties[1].matmul(shares[1][0], shares[1][1]));
        Object mine = parties[0].matmul(shares[0][0], shares[0][1]);
        other.get();
        return mine;
    }

    /** Payload bytes party 0 sends for one secure product of the shape, counted by the channel. */
    static long bytesPerProduct(String shape) throws Exception {
        SecureMatMulBenchmark b = new SecureMatMulBenchmark();
        b.shape = shape;
        b.setUp();
        try {
            b.secure();
            return b.channels[0].stats().bytesSent();
        } finally {
            b.tearDown();
        }
    }

    @Benchmark
    public Object cleartext() {
        return twin.matmul(a, b);
    }

    /** Serves one precomputed triple for every key: a benchmark-only source (see the class comment). */
    private static final class FixedTriple implements TripleSource {
        private final int party;
        private final Correlation half;
        private final List<TripleKey> taken = new ArrayList<>();

        FixedTriple(int party, Correlation half) {
            this.party = party;
            this.half = half;
        }

        @Override
        public int party() {
            return party;
        }

        @Override
        public void reserve(Collection<TripleKey> keys) {
        }

        @Override
        public Correlation take(TripleKey key) {
            return new Correlation(key, half.parts());
        }

        @Override
        public List<TripleKey> consumed() {
            return taken;
        }

        @Override
        public void close() {
        }
    }
}
