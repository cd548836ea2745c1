package org.twintrain.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.twintrain.sharing.ring.LongMatrix;
import org.twintrain.sharing.ring.RingMatMul;

/** The ring product over Z_2^64 on full-range random longs; one op is one m x k x n product. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RingMatMulBenchmark {

    /** See {@link Shape}: a minibatch of 128 MNIST rows times the first layer, a small output layer, and the gradient. */
    @Param({"128x784x128", "128x128x10", "784x128x128"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private LongMatrix a;
    private LongMatrix b;

    @Setup
    public void setUp() {
        Shape s = Shape.parse(shape);
        SplittableRandom rnd = new SplittableRandom(42);
        a = random(s.m(), s.k(), rnd);
        b = random(s.k(), s.n(), rnd);
    }

    static LongMatrix random(int rows, int cols, SplittableRandom rnd) {
        long[] d = new long[rows * cols];
        for (int i = 0; i < d.length; i++) {
            d[i] = rnd.nextLong();
        }
        return new LongMatrix(rows, cols, d);
    }

    @Benchmark
    public LongMatrix ring() {
        return RingMatMul.multiply(a, b, threads);
    }
}
