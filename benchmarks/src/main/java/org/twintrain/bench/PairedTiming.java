package org.twintrain.bench;

import dev.ludovic.netlib.blas.BLAS;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.twintrain.sharing.ring.LongMatrix;
import org.twintrain.sharing.ring.RingMatMul;

/**
 * A check of the JMH ratios that holds up on a shared, busy machine: ring product and dgemm calls alternate
 * one by one in this JVM, and each keeps its fastest call. Under other load, JMH's separate runs of ring and
 * dgemm get different shares of the CPU; interleaving gives both the same conditions and the minimum drops
 * the calls that were descheduled. It complements JMH (no forks, no blackholes: results are consumed into a
 * checksum) and does not replace it.
 */
final class PairedTiming {
    private static final int WARMUP_ROUNDS = 3;
    private static final int ROUNDS = 5;
    private static final int CALLS_PER_ROUND = 60;
    /** Warm-up also lasts at least this long, so that small shapes reach C2 code for both kernels. */
    private static final long MIN_WARMUP_NANOS = 2_000_000_000L;

    record Row(Shape shape, int threads, double ringRate, double dgemmRate) {
        double ratio() {
            return ringRate / dgemmRate;
        }
    }

    private PairedTiming() {
    }

    static List<Row> measure(List<Shape> shapes, int[] threadCounts) {
        BLAS blas = BLAS.getInstance();
        List<Row> rows = new ArrayList<>();
        long checksum = 0;
        for (Shape s : shapes) {
            SplittableRandom rnd = new SplittableRandom(42);
            LongMatrix a = RingMatMulBenchmark.random(s.m(), s.k(), rnd);
            LongMatrix b = RingMatMulBenchmark.random(s.k(), s.n(), rnd);
            double[] da = new double[s.m() * s.k()];
            double[] db = new double[s.k() * s.n()];
            double[] dc = new double[s.m() * s.n()];
            for (int i = 0; i < da.length; i++) {
                da[i] = rnd.nextDouble(-1, 1);
            }
            for (int i = 0; i < db.length; i++) {
                db[i] = rnd.nextDouble(-1, 1);
            }
            for (int threads : threadCounts) {
                long bestRing = Long.MAX_VALUE;
                long bestDgemm = Long.MAX_VALUE;
                long warmupEnd = System.nanoTime() + MIN_WARMUP_NANOS;
                int warmupRounds = 0;
                for (int round = 0; round < ROUNDS; ) {
                    boolean warm = warmupRounds >= WARMUP_ROUNDS && System.nanoTime() >= warmupEnd;
                    for (int call = 0; call < CALLS_PER_ROUND; call++) {
                        long t0 = System.nanoTime();
                        checksum += RingMatMul.multiply(a, b, threads).data()[0];
                        long t1 = System.nanoTime();
                        blas.dgemm("N", "N", s.n(), s.m(), s.k(), 1.0, db, s.n(), da, s.k(), 0.0, dc, s.n());
                        long t2 = System.nanoTime();
                        checksum += (long) dc[0];
                        if (warm) {
                            bestRing = Math.min(bestRing, t1 - t0);
                            bestDgemm = Math.min(bestDgemm, t2 - t1);
                        }
                    }
                    if (warm) {
                        round++;
                    } else {
                        warmupRounds++;
                    }
                }
                rows.add(new Row(s, threads, s.multiplyAdds() / (double) bestRing,
                        s.multiplyAdds() / (double) bestDgemm));
            }
        }
        if (checksum == 42) {
            System.out.print(""); // keeps the results alive for the JIT
        }
        return rows;
    }

    static String table(List<Row> rows) {
        StringBuilder out = new StringBuilder();
        out.append("Interleaved, fastest call of each (same JVM), G multiply-adds/s\n");
        out.append(String.format(Locale.ROOT, "%-13s %7s %10s %10s %11s%n",
                "shape", "threads", "ring", "dgemm", "ring/dgemm"));
        for (Row r : rows) {
            out.append(String.format(Locale.ROOT, "%-13s %7d %10.2f %10.2f %11.2f%n",
                    r.shape(), r.threads(), r.ringRate(), r.dgemmRate(), r.ratio()));
        }
        return out.toString();
    }
}
