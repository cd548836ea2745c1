package org.twintrain.bench;

import dev.ludovic.netlib.blas.BLAS;
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

/**
 * The floating-point yardstick: netlib's dgemm of the same shape, row-major C = A B computed as the
 * column-major C^T = B^T A^T. With {@code -Ddev.ludovic.netlib.blas.allowNative=false} netlib picks its
 * Vector API implementation (VectorBLAS), single-threaded, which is what Spark uses on these machines.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DgemmBenchmark {

    @Param({"128x784x128", "128x128x10", "784x128x128"})
    public String shape;

    private final BLAS blas = BLAS.getInstance();
    private Shape s;
    private double[] a;
    private double[] b;
    private double[] c;

    @Setup
    public void setUp() {
        s = Shape.parse(shape);
        // The fork's own choice, which depends on its flags (the report header shows the host's).
        System.out.println("dgemm implementation in this fork: " + blas.getClass().getSimpleName());
        SplittableRandom rnd = new SplittableRandom(42);
        a = random(s.m() * s.k(), rnd);
        b = random(s.k() * s.n(), rnd);
        c = new double[s.m() * s.n()];
    }

    private static double[] random(int n, SplittableRandom rnd) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = rnd.nextDouble(-1, 1);
        }
        return d;
    }

    /** The BLAS implementation in use, e.g. VectorBLAS; the report prints it. */
    public static String implementation() {
        return BLAS.getInstance().getClass().getSimpleName();
    }

    @Benchmark
    public double[] dgemm() {
        blas.dgemm("N", "N", s.n(), s.m(), s.k(), 1.0, b, s.n(), a, s.k(), 0.0, c, s.n());
        return c;
    }
}
