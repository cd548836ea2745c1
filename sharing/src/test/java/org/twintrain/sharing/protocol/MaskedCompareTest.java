package org.twintrain.sharing.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.twintrain.sharing.arith.TwoPartyRunner;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.ring.LongMatrix;
import org.twintrain.sharing.testing.LoopbackTls;

/** The DCF comparison against its cleartext twin, in memory and over TLS, inside and outside its range. */
class MaskedCompareTest {

    /** Values within +-2^(bits-1) of every threshold: the edges of the range, 0, +-1 and random ones. */
    private static long[] inRange(Random r, int bits, long[] thresholds, int n) {
        long half = bits == 64 ? Long.MAX_VALUE : 1L << (bits - 1);
        long spread = half / 4; // random values within a quarter of the range, so x - t stays inside for small t
        long[] edges = {0, 1, -1, half / 2 - 1, -(half / 2), 5, -3, 4, -4, 6};
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = i < edges.length ? edges[i] : (long) ((r.nextDouble() * 2 - 1) * spread);
        }
        return out;
    }

    private static TwoPartyRunner.Result<MaskedCompare.Result> run(boolean tls, int bits, LongMatrix[] shares,
            long... thresholds) {
        TwoPartyRunner runner = new TwoPartyRunner(new FixedPoint(16), TruncationMode.WRAP_FREE, Parties.DEALER_SEED);
        return tls
                ? runner.run(a -> MaskedCompare.compare(a.context(), bits, shares[a.party()], thresholds), LoopbackTls.pair())
                : runner.run(a -> MaskedCompare.compare(a.context(), bits, shares[a.party()], thresholds));
    }

    private static void assertMatchesCleartext(LongMatrix x, long[] thresholds, TwoPartyRunner.Result<MaskedCompare.Result> got) {
        for (int j = 0; j < thresholds.length; j++) {
            LongMatrix bit = got.party0().atLeast()[j].add(got.party1().atLeast()[j]);
            LongMatrix times = got.party0().times()[j].add(got.party1().times()[j]);
            for (int i = 0; i < x.size(); i++) {
                long v = x.data()[i];
                long expected = v >= thresholds[j] ? 1 : 0;
                assertEquals(expected, bit.data()[i], "[x >= t] at entry " + i + ", threshold " + j);
                assertEquals(expected * v, times.data()[i], "[x >= t] x at entry " + i + ", threshold " + j);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 16, 32, 48, 64})
    void bitsAndProductsMatchTheCleartextInOneRound(int bits) {
        Random r = new Random(bits);
        long[] thresholds = {0, 5, -3};
        LongMatrix x = new LongMatrix(4, 50, inRange(r, bits, thresholds, 200));
        TwoPartyRunner.Result<MaskedCompare.Result> got = run(false, bits, Parties.share(x, r), thresholds);
        assertMatchesCleartext(x, thresholds, got);
        assertEquals(MaskedCompare.ROUNDS, got.stats0().rounds());
        assertEquals(8L * x.size(), got.stats0().bytesSent(), "one opened word per element, whatever the thresholds");
    }

    @Test
    void overTls() {
        Random r = new Random(7);
        long[] thresholds = {0};
        LongMatrix x = new LongMatrix(1, 300, inRange(r, 32, thresholds, 300));
        assertMatchesCleartext(x, thresholds, run(true, 32, Parties.share(x, r), thresholds));
    }

    @Test
    void theEdgesOfTheRangeAreExactAndBeyondThemAboutHalfAreWrong() {
        int bits = 16;
        long half = 1L << (bits - 1);
        Random r = new Random(3);
        LongMatrix edges = new LongMatrix(1, 4, new long[] {half - 1, -half, 0, -1});
        assertMatchesCleartext(edges, new long[] {0}, run(false, bits, Parties.share(edges, r), 0));
        // Beyond the range the bit is the top bit of x mod 2^bits: measured, not hoped for (documented in
        // MaskedCompare and ring.comparison).
        int n = 4000;
        long[] far = new long[n];
        for (int i = 0; i < n; i++) {
            long magnitude = half + (long) (r.nextDouble() * (1L << 40));
            far[i] = r.nextBoolean() ? magnitude : -magnitude;
        }
        LongMatrix x = new LongMatrix(1, n, far);
        TwoPartyRunner.Result<MaskedCompare.Result> got = run(false, bits, Parties.share(x, r), 0);
        LongMatrix bit = got.party0().atLeast()[0].add(got.party1().atLeast()[0]);
        int wrong = 0;
        for (int i = 0; i < n; i++) {
            wrong += bit.data()[i] != (far[i] >= 0 ? 1 : 0) ? 1 : 0;
        }
        double rate = wrong / (double) n;
        System.out.printf("MaskedCompare at 16 bits, |x| in [2^15, 2^15 + 2^40): %d of %d signs wrong (%.4f)%n", wrong,
                n, rate);
        assertTrue(rate > 0.4 && rate < 0.6, "failure rate outside the range: " + rate);
    }

    @Test
    void truncationByAnotherShiftOverTls() {
        // Arithmetic.shiftDown's TRUNC pairs of shift 20 (the reciprocal's normalization), on the TLS channel.
        Random r = new Random(11);
        long[] v = new long[300];
        for (int i = 0; i < v.length; i++) {
            v[i] = i < 3 ? new long[] {0, -1, 1L << 40}[i] : (long) ((r.nextDouble() * 2 - 1) * (1L << 45));
        }
        LongMatrix x = new LongMatrix(3, 100, v);
        LongMatrix[] s = Parties.share(x, r);
        TwoPartyRunner.Result<LongMatrix> got = new TwoPartyRunner(new FixedPoint(16), TruncationMode.WRAP_FREE,
                Parties.DEALER_SEED).run(a -> Truncation.truncate(a.context(), TruncationMode.WRAP_FREE, 20,
                        s[a.party()])[0], LoopbackTls.pair());
        LongMatrix sum = Parties.reconstruct(got);
        for (int i = 0; i < v.length; i++) {
            long d = sum.data()[i] - (v[i] >> 20);
            assertTrue(d == 0 || d == -1 || d == 1, "entry " + i + " off by " + d);
        }
    }

    @Test
    void noThresholdIsRefused() {
        LongMatrix[] s = Parties.share(new LongMatrix(1, 1, new long[] {1}), new Random(1));
        assertThrows(TwoPartyRunner.TwoPartyException.class, () -> run(false, 32, s));
    }
}
