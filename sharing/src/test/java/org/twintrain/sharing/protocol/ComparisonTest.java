package org.twintrain.sharing.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.twintrain.sharing.arith.TwoPartyRunner;
import org.twintrain.sharing.ring.LongMatrix;

/** A2B, less-than-zero, B2A, select, ReLU and max on random sharings of full-range values and the edges. */
class ComparisonTest {
    private static final int N = 200;

    private static LongMatrix values(long seed) {
        return new LongMatrix(10, N / 10, Parties.ringValues(new Random(seed), N));
    }

    @Test
    void a2bGivesXorSharesOfTheValue() {
        Random r = new Random(20);
        LongMatrix x = values(21);
        LongMatrix[] s = Parties.share(x, r);
        TwoPartyRunner.Result<long[]> got = Parties.run(ctx -> A2B.convert(ctx, s[ctx.party()]));
        assertArrayEquals(x.data(), Parties.reconstructXor(got.party0(), got.party1()));
        assertEquals(A2B.ROUNDS, got.stats0().rounds());
    }

    @Test
    void lessThanZeroIsTheSignBitAtTheAnalyticalCost() {
        Random r = new Random(22);
        int n = 256;
        LongMatrix x = new LongMatrix(1, n, Parties.ringValues(r, n));
        LongMatrix[] s = Parties.share(x, r);
        TwoPartyRunner.Result<SharedBits> got = Parties.run(ctx -> LessThanZero.bits(ctx, s[ctx.party()]));
        for (int i = 0; i < n; i++) {
            assertEquals(x.data()[i] < 0 ? 1 : 0, got.party0().bit(i) ^ got.party1().bit(i), "entry " + i);
        }
        assertEquals(LessThanZero.ROUNDS, got.stats0().rounds());
        // 181 AND gates per element, 64 elements per word, two opened words per AND word.
        assertEquals(8L * 2 * 181 * (n / 64), got.stats0().bytesSent());
    }

    @Test
    void aNarrowSignCircuitIsExactInItsRangeAndItsOutsideIsTheLowBitsSign() {
        Random r = new Random(24);
        int n = 512;
        for (int width : new int[] {32, 17, 63}) {
            long half = 1L << (width - 1);
            long[] v = new long[n];
            long[] edges = {0, -1, 1, half - 1, -half, -half + 1, half - 2};
            for (int i = 0; i < n; i++) {
                // The edges, in-range values, then values beyond the range (the last quarter).
                v[i] = i < edges.length ? edges[i] : i < 3 * n / 4 ? r.nextLong() % half : r.nextLong();
            }
            LongMatrix x = new LongMatrix(1, n, v);
            LongMatrix[] s = Parties.share(x, r);
            TwoPartyRunner.Result<SharedBits> got = Parties.run(ctx -> LessThanZero.bits(ctx, s[ctx.party()], width));
            int wrongOutside = 0;
            for (int i = 0; i < n; i++) {
                int bit = (int) (got.party0().bit(i) ^ got.party1().bit(i));
                boolean inRange = v[i] >= -half && v[i] < half;
                if (inRange) {
                    assertEquals(v[i] < 0 ? 1 : 0, bit, "width " + width + " entry " + i);
                } else {
                    assertEquals((int) ((v[i] >>> (width - 1)) & 1), bit, "outside: bit width-1 of x mod 2^width");
                    wrongOutside += bit != (v[i] < 0 ? 1 : 0) ? 1 : 0;
                }
            }
            assertEquals(LessThanZero.rounds(width), got.stats0().rounds(), "rounds at width " + width);
            assertTrue(width == 63 || wrongOutside > n / 16, "uniform values beyond the range are wrong about half the time");
        }
        assertEquals(6, LessThanZero.rounds(32));
        assertEquals(LessThanZero.ROUNDS, LessThanZero.rounds(64));
    }

    @Test
    void theNarrowCircuitSendsLessThanHalfTheFullOne() {
        Random r = new Random(25);
        int n = 640;
        LongMatrix x = new LongMatrix(1, n, Parties.ringValues(r, n));
        LongMatrix[] s = Parties.share(x, r);
        long full = Parties.run(ctx -> LessThanZero.bits(ctx, s[ctx.party()])).stats0().bytesSent();
        long narrow = Parties.run(ctx -> LessThanZero.bits(ctx, s[ctx.party()], 32)).stats0().bytesSent();
        // 31 generate gates and a tree of 15 + 7 + 3 + 1 generate-propagate pairs (29 + 15 + 7 + 3 + 1 gates).
        assertEquals(8L * 2 * (31 + 29 + 15 + 7 + 3 + 1) * (n / 64), narrow);
        assertTrue(narrow < full / 2, narrow + " against " + full);
    }

    @Test
    void lessThanZeroOnFixedPointEdges() {
        // 0, -1 ulp, +1 ulp and the ends of the documented range +-(2^(63-f) - ulp), with random sharings.
        long[] edges = {0, -1, 1, Long.MAX_VALUE, -Long.MAX_VALUE, Long.MIN_VALUE, -2, 2};
        Random r = new Random(23);
        for (int trial = 0; trial < 3; trial++) {
            LongMatrix x = new LongMatrix(1, edges.length, edges.clone());
            LongMatrix[] s = Parties.share(x, r);
            TwoPartyRunner.Result<LongMatrix> got = Parties.run(ctx -> LessThanZero.arithmetic(ctx, s[ctx.party()]));
            LongMatrix bits = Parties.reconstruct(got);
            for (int i = 0; i < edges.length; i++) {
                assertEquals(edges[i] < 0 ? 1L : 0L, bits.data()[i], "edge " + i);
            }
            assertEquals(LessThanZero.ROUNDS + 1, got.stats1().rounds());
        }
    }

    @Test
    void b2aTurnsXorBitsIntoIntegerBits() {
        Random r = new Random(24);
        int n = 130;
        long[] bits = new long[n], s0 = new long[SharedBits.wordsFor(n)], s1 = new long[s0.length];
        for (int e = 0; e < n; e++) {
            bits[e] = r.nextInt(2);
        }
        for (int w = 0; w < s0.length; w++) {
            s0[w] = r.nextLong();
        }
        for (int e = 0; e < n; e++) {
            long share0 = (s0[e >>> 6] >>> (e & 63)) & 1L;
            s1[e >>> 6] |= (share0 ^ bits[e]) << (e & 63);
        }
        SharedBits[] shared = {new SharedBits(n, s0), new SharedBits(n, s1)};
        TwoPartyRunner.Result<LongMatrix> got = Parties.run(ctx -> B2A.convert(ctx, shared[ctx.party()], 10, 13));
        assertArrayEquals(bits, Parties.reconstruct(got).data());
        assertEquals(1, got.stats0().rounds());
        assertEquals(8L * SharedBits.wordsFor(n), got.stats0().bytesSent());
    }

    @Test
    void b2aMultiplyGivesTheProductAndTheBitInOneRound() {
        Random r = new Random(26);
        int n = 192;
        long[] bits = new long[n], s0 = new long[SharedBits.wordsFor(n)], s1 = new long[s0.length];
        for (int e = 0; e < n; e++) {
            bits[e] = r.nextInt(2);
            long share0 = r.nextInt(2);
            s0[e >>> 6] |= share0 << (e & 63);
            s1[e >>> 6] |= (share0 ^ bits[e]) << (e & 63);
        }
        SharedBits[] shared = {new SharedBits(n, s0), new SharedBits(n, s1)};
        LongMatrix y = new LongMatrix(2, n / 2, Parties.ringValues(r, n));
        LongMatrix[] ys = Parties.share(y, r);
        TwoPartyRunner.Result<LongMatrix[]> got = Parties.run(ctx -> {
            LongMatrix[] both = B2A.multiply(ctx, shared[ctx.party()], ys[ctx.party()]);
            LongMatrix selected = Select.select(ctx, shared[ctx.party()], ys[ctx.party()], ys[ctx.party()].transpose()
                    .transpose().sub(ys[ctx.party()]));
            return new LongMatrix[] {both[0], both[1], selected};
        });
        LongMatrix product = got.party0()[0].add(got.party1()[0]), bit = got.party0()[1].add(got.party1()[1]);
        LongMatrix selected = got.party0()[2].add(got.party1()[2]);
        for (int e = 0; e < n; e++) {
            assertEquals(bits[e] * y.data()[e], product.data()[e], "b * y at " + e);
            assertEquals(bits[e], bit.data()[e], "b at " + e);
            assertEquals(bits[e] == 1 ? y.data()[e] : 0L, selected.data()[e], "select at " + e);
        }
        assertEquals(2, got.stats0().rounds(), "one round each");
        assertEquals(2 * (8L * SharedBits.wordsFor(n) + 16L * n), got.stats0().bytesSent());
    }

    @Test
    void selectReluAndMaxAreExact() {
        Random r = new Random(25);
        // Fixed-point values in the range (|x| < 2^62 raw so that a - b does not wrap).
        long[] a = new long[N], b = new long[N], bit = new long[N];
        for (int i = 0; i < N; i++) {
            a[i] = i == 0 ? 0 : i == 1 ? -1 : i == 2 ? 1 : r.nextLong() >> 2;
            b[i] = i < 3 ? 0 : r.nextLong() >> 2;
            bit[i] = r.nextInt(2);
        }
        LongMatrix ma = new LongMatrix(1, N, a), mb = new LongMatrix(1, N, b), mbit = new LongMatrix(1, N, bit);
        LongMatrix[] as = Parties.share(ma, r), bs = Parties.share(mb, r), bits = Parties.share(mbit, r);
        TwoPartyRunner.Result<LongMatrix[]> got = Parties.run(ctx -> {
            int p = ctx.party();
            long r0 = ctx.channel().stats().rounds();
            LongMatrix sel = Select.select(ctx, bits[p], as[p], bs[p]);
            long r1 = ctx.channel().stats().rounds();
            LongMatrix[] relu = Relu.reluWithDerivative(ctx, as[p]);
            long r2 = ctx.channel().stats().rounds();
            LongMatrix max = Max.max(ctx, as[p], bs[p]);
            long r3 = ctx.channel().stats().rounds();
            return new LongMatrix[] {sel, relu[0], relu[1], max, new LongMatrix(1, 3, new long[] {r1 - r0, r2 - r1, r3 - r2})};
        });
        LongMatrix[] rec = new LongMatrix[4];
        for (int k = 0; k < 4; k++) {
            rec[k] = got.party0()[k].add(got.party1()[k]);
        }
        for (int i = 0; i < N; i++) {
            assertEquals(bit[i] == 1 ? a[i] : b[i], rec[0].data()[i], "select " + i);
            assertEquals(Math.max(0, a[i]), rec[1].data()[i], "relu " + i);
            assertEquals(a[i] >= 0 ? 1L : 0L, rec[2].data()[i], "relu' " + i);
            assertEquals(Math.max(a[i], b[i]), rec[3].data()[i], "max " + i);
        }
        assertArrayEquals(new long[] {1, Relu.ROUNDS, Max.ROUNDS}, got.party0()[4].data(), "rounds of select, relu, max");
        assertEquals(LessThanZero.ROUNDS + 1, Relu.ROUNDS);
    }
}
