package org.twintrain.sharing.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.twintrain.sharing.arith.TwoPartyRunner;
import org.twintrain.sharing.ring.LongMatrix;

/**
 * Both truncations give the cleartext twin's x &gt;&gt; f or one more; LOCAL fails at the documented rate on large
 * |x|, WRAP_FREE never does.
 */
class TruncationTest {
    private static final int F = 16;

    /** |x| uniform in [2^(bits-1), 2^bits), random sign. */
    private static long[] large(Random r, int n, int bits) {
        long[] x = new long[n];
        for (int i = 0; i < n; i++) {
            long magnitude = (1L << (bits - 1)) + (r.nextLong() >>> (65 - bits));
            x[i] = r.nextBoolean() ? magnitude : -magnitude;
        }
        return x;
    }

    private static boolean withinOneUlp(long truncated, long x) {
        long d = truncated - (x >> F);
        return d == 0 || d == 1;
    }

    @Test
    void localIsWithinOneUlpOnModerateValues() {
        Random r = new Random(10);
        int n = 20_000;
        long[] x = new long[n];
        for (int i = 0; i < n; i++) {
            // |x| < 2^40 (a product of two values below 2^4 at f = 16), with zero and +-1 among them.
            x[i] = i < 3 ? i - 1 : r.nextLong() >> 24;
        }
        LongMatrix[] s = Parties.share(new LongMatrix(1, n, x), r);
        LongMatrix t = Truncation.local(0, s[0], F).add(Truncation.local(1, s[1], F));
        for (int i = 0; i < n; i++) {
            assertTrue(withinOneUlp(t.data()[i], x[i]), "entry " + i);
        }
    }

    @Test
    void localFailureRateOnLargeValuesStaysUnderTheDocumentedBound() {
        Random r = new Random(11);
        int n = 200_000, lx = 60;
        long[] x = large(r, n, lx);
        LongMatrix[] s = Parties.share(new LongMatrix(1, n, x), r);
        LongMatrix t = Truncation.local(0, s[0], F).add(Truncation.local(1, s[1], F));
        int failures = 0;
        double expected = 0, variance = 0;
        for (int i = 0; i < n; i++) {
            if (!withinOneUlp(t.data()[i], x[i])) {
                failures++;
                // A failure is garbage, not a rounding error: off by about 2^(64-f).
                assertTrue(Math.abs((double) (t.data()[i] - (x[i] >> F))) > Math.scalb(1.0, 62 - F));
            }
            double p = Math.abs((double) x[i]) / Math.scalb(1.0, 64);
            expected += p;
            variance += p * (1 - p);
        }
        double rate = (double) failures / n, bound = Math.scalb(1.0, lx + 1 - 64);
        System.out.printf("local truncation, |x| in [2^%d, 2^%d): %d failures in %d = %.5f (bound 2^(l_x+1-64) = %.5f,"
                + " predicted |x|/2^64 = %.5f)%n", lx - 1, lx, failures, n, rate, bound, expected / n);
        assertTrue(rate <= bound, "failure rate " + rate + " above the bound " + bound);
        assertTrue(Math.abs(failures - expected) <= 5 * Math.sqrt(variance),
                "failures " + failures + " far from the predicted " + expected);
    }

    @Test
    void exactNeverFailsUpToTwoToThe62() {
        Random r = new Random(12);
        int n = 20_000;
        long[] x = large(r, n, 62);
        long[] edges = {0, 1, -1, (1L << 62) - 1, -(1L << 62), (1L << F) - 1, -(1L << F), 1L << F};
        System.arraycopy(edges, 0, x, 0, edges.length);
        LongMatrix[] s = Parties.share(new LongMatrix(1, n, x), r);
        TwoPartyRunner.Result<LongMatrix> got = Parties.run(F, ctx -> Truncation.exact(ctx, s[ctx.party()])[0]);
        LongMatrix t = Parties.reconstruct(got);
        int failures = 0;
        for (int i = 0; i < n; i++) {
            if (!withinOneUlp(t.data()[i], x[i])) {
                failures++;
            }
        }
        assertEquals(0, failures, "wrap-free truncation failures");
        assertEquals(1, got.stats0().rounds());
        assertEquals(8L * n, got.stats0().bytesSent());
    }

    @Test
    void exactTruncatesSeveralMatricesInOneRound() {
        Random r = new Random(13);
        LongMatrix a = new LongMatrix(3, 3, large(r, 9, 45)), b = new LongMatrix(2, 5, large(r, 10, 30));
        LongMatrix[] as = Parties.share(a, r), bs = Parties.share(b, r);
        TwoPartyRunner.Result<LongMatrix[]> got = Parties.run(F,
                ctx -> Truncation.truncate(ctx, TruncationMode.WRAP_FREE, as[ctx.party()], bs[ctx.party()]));
        LongMatrix ta = got.party0()[0].add(got.party1()[0]), tb = got.party0()[1].add(got.party1()[1]);
        for (int i = 0; i < 9; i++) {
            assertTrue(withinOneUlp(ta.data()[i], a.data()[i]));
        }
        for (int i = 0; i < 10; i++) {
            assertTrue(withinOneUlp(tb.data()[i], b.data()[i]));
        }
        assertEquals(1, got.stats1().rounds());
    }
}
