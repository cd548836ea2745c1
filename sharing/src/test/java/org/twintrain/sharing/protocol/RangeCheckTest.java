package org.twintrain.sharing.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.twintrain.sharing.arith.TwoPartyRunner;
import org.twintrain.sharing.ring.LongMatrix;

/**
 * The range check counts exactly what the cleartext count is, on full-range values, the edges of each bound and
 * the wrap-around edges near +-2^63, at the analytical cost in which the counts are the only words opened in the
 * clear; and, run on the results of SecureML's local truncation, it counts exactly the truncation failures.
 */
class RangeCheckTest {
    /** AND gates per element of the less-than-zero circuit. */
    private static final int LTZ_GATES = 63 + 61 + 31 + 15 + 7 + 3 + 1;

    /** Values around +-bound (bound - 1, bound, bound + 1 and their negatives), then random values of given bits. */
    private static long[] around(Random r, long bound, int n, int bits) {
        long[] out = new long[n];
        long[] edges = {bound - 1, bound, bound + 1, -(bound - 1), -bound, -(bound + 1), 0};
        for (int i = 0; i < n; i++) {
            out[i] = i < edges.length ? edges[i] : r.nextLong() >> (64 - bits);
        }
        return out;
    }

    /** Analytical bytes one party sends for checks over `entries` values in `checks` matrices. */
    private static long bytes(int entries, int checks) {
        long words = (entries + 63) / 64;
        // the signs of 2 x words x 64 padded values, their OR (one AND word per word), the B2A, the counts
        return 8L * 2 * LTZ_GATES * 2 * words + 16L * words + 8L * words + 8L * checks;
    }

    @Test
    void countsWhatTheCleartextCountIsAndOpensOnlyTheCounts() {
        Random r = new Random(40);
        long b0 = 1L << 20, b1 = 1000, b2 = RangeCheck.MAX_BOUND, b3 = 1;
        LongMatrix x0 = new LongMatrix(10, 20, around(r, b0, 200, 22));
        LongMatrix x1 = new LongMatrix(7, 3, around(r, b1, 21, 11));
        // full-range values with the wrap edges: +-2^63, 2^63 - 1, +-2^62 and neighbours
        LongMatrix x2 = new LongMatrix(1, 100, Parties.ringValues(r, 100));
        LongMatrix x3 = new LongMatrix(5, 13, around(r, b3, 65, 3));
        LongMatrix[] xs = {x0, x1, x2, x3};
        long[] bounds = {b0, b1, b2, b3};
        LongMatrix[][] shares = new LongMatrix[xs.length][];
        for (int i = 0; i < xs.length; i++) {
            shares[i] = Parties.share(xs[i], r);
        }
        TwoPartyRunner.Result<long[]> got = Parties.run(ctx -> {
            LongMatrix[] mine = new LongMatrix[xs.length];
            for (int i = 0; i < xs.length; i++) {
                mine[i] = shares[i][ctx.party()];
            }
            return RangeCheck.countAtLeast(ctx, mine, bounds);
        });
        long[] want = new long[xs.length];
        for (int i = 0; i < xs.length; i++) {
            want[i] = RangeCheck.countAtLeast(xs[i].data(), bounds[i]);
        }
        assertArrayEquals(want, got.party0());
        assertArrayEquals(want, got.party1());
        // the edges are where an off-by-one would show: bound - 1 is in range, bound and bound + 1 are out
        assertTrue(want[0] >= 4 && want[1] >= 4 && want[3] >= 4);
        // +-2^62 reach 2^62; Long.MIN_VALUE and the values near +-2^63 are out of any range
        assertTrue(want[2] >= 6, "full-range values out of range: " + want[2]);
        assertEquals(RangeCheck.ROUNDS, got.stats0().rounds());
        // Every byte is accounted for by the masked openings of the circuit and the one word per count.
        assertEquals(bytes(200 + 21 + 100 + 65, 4), got.stats0().bytesSent());
        assertEquals(got.stats0().bytesSent(), got.stats1().bytesSent());
    }

    @Test
    void countsTheFailuresOfLocalTruncationAndNoneOfExact() {
        int f = 13;
        int n = 2000;
        Random r = new Random(41);
        // Products near 2^61: their truncation 2^(61-f) stays below the failure bound 2^(62-f), but the local
        // truncation of such a product fails with probability about 1/8 and then lands near +-2^(64-f).
        long[] x = new long[n];
        for (int i = 0; i < n; i++) {
            long magnitude = (1L << 60) + (r.nextLong() >>> 4);
            x[i] = r.nextBoolean() ? magnitude : -magnitude;
        }
        LongMatrix[] s = Parties.share(new LongMatrix(1, n, x), r);
        long failureBound = 1L << (62 - f);
        for (TruncationMode mode : TruncationMode.values()) {
            TwoPartyRunner.Result<Object[]> got = new TwoPartyRunner(new org.twintrain.sharing.ring.FixedPoint(f), mode,
                    Parties.DEALER_SEED).run(a -> {
                        LongMatrix t = Truncation.truncate(a.context(), mode, s[a.party()]);
                        long count = RangeCheck.countAtLeast(a.context(), new LongMatrix[] {t}, new long[] {failureBound})[0];
                        return new Object[] {t, count};
                    });
            LongMatrix t = ((LongMatrix) got.party0()[0]).add((LongMatrix) got.party1()[0]);
            int failures = 0;
            for (int i = 0; i < n; i++) {
                long d = t.data()[i] - (x[i] >> f);
                if (d != 0 && d != 1) {
                    failures++;
                }
            }
            assertEquals((long) failures, got.party0()[1], mode + ": detected failures");
            assertEquals(got.party0()[1], got.party1()[1]);
            if (mode == TruncationMode.LOCAL) {
                assertTrue(failures > n / 20, "local truncation of products near 2^61 fails often: " + failures);
            } else {
                assertEquals(0, failures);
            }
        }
    }

    @Test
    void emptyChecksAndBadBounds() {
        TwoPartyRunner.Result<long[]> got = Parties.run(ctx -> RangeCheck.countAtLeast(ctx,
                new LongMatrix[] {new LongMatrix(0, 3, new long[0])}, new long[] {5}));
        assertArrayEquals(new long[] {0}, got.party0());
        assertEquals(0, got.stats0().rounds());
        assertThrows(IllegalArgumentException.class, () -> RangeCheck.countAtLeast(new long[] {1}, 0));
        assertThrows(IllegalArgumentException.class, () -> RangeCheck.countAtLeast(new long[] {1}, RangeCheck.MAX_BOUND + 1));
    }
}
