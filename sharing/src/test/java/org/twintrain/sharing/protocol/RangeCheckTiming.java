package org.twintrain.sharing.protocol;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import org.twintrain.sharing.arith.TwoPartyRunner;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.ring.LongMatrix;

/**
 * Not a test: times {@link RangeCheck} alone on two parties in this JVM (in-memory channel, dealer triples made on
 * demand inside the timing) with the SecureML network's telemetry shapes at batch 128: 128x128, 128x128, 128x10,
 * 128x10 (softmax input) and 128x10 (its gradient), with one bound each, then with two (the failure bound too).
 * Prints the median of the repetitions. Arguments: repetitions (default 30).
 */
public final class RangeCheckTiming {
    private RangeCheckTiming() {
    }

    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int[][] shapes = {{128, 128}, {128, 128}, {128, 10}, {128, 10}, {128, 10}};
        Random r = new Random(1);
        for (int bounds = 1; bounds <= 2; bounds++) {
            int n = shapes.length * bounds;
            LongMatrix[][] shares = new LongMatrix[2][n];
            long[] b = new long[n];
            for (int i = 0; i < n; i++) {
                int[] s = shapes[i % shapes.length];
                long[] x = new long[s[0] * s[1]];
                for (int j = 0; j < x.length; j++) {
                    x[j] = r.nextLong() >> 40;
                }
                LongMatrix[] sh = Parties.share(new LongMatrix(s[0], s[1], x), r);
                shares[0][i] = sh[0];
                shares[1][i] = sh[1];
                b[i] = i < shapes.length ? 1024L << 16 : 1L << 46;
            }
            double[] ms = new double[reps];
            TwoPartyRunner.Result<double[]> res = new TwoPartyRunner(new FixedPoint(16), TruncationMode.LOCAL,
                    Parties.DEALER_SEED).run(a -> {
                        double[] t = new double[reps + 3];
                        for (int k = 0; k < reps + 3; k++) {
                            a.beginScope(0, k, "timing");
                            long start = System.nanoTime();
                            RangeCheck.countAtLeast(a.context(), shares[a.party()], b);
                            t[k] = (System.nanoTime() - start) / 1e6;
                        }
                        return Arrays.copyOfRange(t, 3, t.length);
                    });
            System.arraycopy(res.party0(), 0, ms, 0, reps);
            Arrays.sort(ms);
            long bytes = res.stats0().bytesSent() / (reps + 3);
            System.out.printf(Locale.ROOT, "%d bound(s): median %.1f ms per check (min %.1f, max %.1f), %,d bytes and %d"
                    + " rounds per check and party%n", bounds, ms[reps / 2], ms[0], ms[reps - 1], bytes,
                    res.stats0().rounds() / (reps + 3));
        }
    }
}
