package org.twintrain.sharing.triples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.ring.LongMatrix;

class DealerTest {
    private static final byte[] SEED = "dealer test seed".getBytes(StandardCharsets.UTF_8);
    private static final FixedPoint FP = new FixedPoint(16);

    private static TripleKey key(int op, TripleKey.Kind kind, int... shape) {
        return new TripleKey(3, 7, "dense1", op, kind, shape);
    }

    /** Recombines the two halves part by part (XOR or sum, as the kind says). */
    private static long[][] recombine(TripleKey key, Correlation h0, Correlation h1) {
        long[][] out = new long[h0.parts().length][];
        for (int p = 0; p < out.length; p++) {
            long[] a = h0.part(p), b = h1.part(p);
            out[p] = new long[a.length];
            for (int i = 0; i < a.length; i++) {
                out[p][i] = Dealer.isXorPart(key.kind(), p) ? a[i] ^ b[i] : a[i] + b[i];
            }
        }
        return out;
    }

    @Test
    void halvesRecombineToCorrelationsOfEveryKind() {
        Dealer dealer = new Dealer(SEED, FP);
        int n = 300;
        for (TripleKey.Kind kind : TripleKey.Kind.values()) {
            TripleKey k = switch (kind) {
                case MATMUL -> key(0, kind, 5, 6, 7);
                case DATA_MASK -> key(0, kind, 10, 6);
                case MASKED_MATMUL -> key(0, kind, 0, 3, 6, 7, maskHigh(MASK_10x6), maskLow(MASK_10x6), 2, 5, 9);
                case COMPARE -> key(0, kind, n, 32);
                case CONV -> CONV_FWD;
                case CONV_KGRAD -> CONV_KG;
                case CONV_IGRAD -> CONV_IG;
                case TRUNC -> key(0, kind, n);
                default -> key(0, kind, n);
            };
            Correlation[] h = dealer.halves(k);
            if (kind == TripleKey.Kind.COMPARE) {
                checkCompare(dealer, k, h, n);
                continue;
            }
            long[][] v = recombine(k, h[0], h[1]);
            assertEquals(Dealer.partSizes(k).length, v.length, kind + " parts");
            for (int p = 0; p < v.length; p++) {
                assertEquals(Dealer.partSizes(k)[p], v[p].length, kind + " part " + p + " size");
            }
            assertArrayEquals(dealer.value(k)[0], v[0], kind + ": halves recombine to the dealer's value");
            switch (kind) {
                case MUL -> {
                    for (int i = 0; i < n; i++) {
                        assertEquals(v[0][i] * v[1][i], v[2][i]);
                    }
                }
                case SQUARE -> {
                    for (int i = 0; i < n; i++) {
                        assertEquals(v[0][i] * v[0][i], v[1][i]);
                    }
                }
                case MATMUL -> assertEquals(new LongMatrix(5, 6, v[0]).matmul(new LongMatrix(6, 7, v[1])),
                        new LongMatrix(5, 7, v[2]));
                case AND -> {
                    for (int i = 0; i < n; i++) {
                        assertEquals(v[0][i] & v[1][i], v[2][i]);
                    }
                }
                case TRUNC -> {
                    long tops = 0;
                    for (int i = 0; i < n; i++) {
                        assertEquals((v[0][i] & Long.MAX_VALUE) >> 16, v[1][i]);
                        assertEquals(v[0][i] >>> 63, v[2][i]);
                        tops += v[2][i];
                    }
                    assertTrue(tops > 0 && tops < n, "r spans the whole ring, top bit set about half the time");
                }
                case BIT -> {
                    long ones = 0;
                    for (int i = 0; i < n; i++) {
                        assertEquals(0, h[0].part(0)[i] & ~1L, "XOR half only in bit 0");
                        assertEquals(0, h[1].part(0)[i] & ~1L, "XOR half only in bit 0");
                        assertEquals(v[0][i], v[1][i], "XOR and arithmetic sharing of the same bit");
                        ones += v[0][i];
                    }
                    assertTrue(ones > 0 && ones < n);
                }
                case DATA_MASK -> assertEquals(60, v[0].length);
                case MASKED_MATMUL -> assertEquals(dataMaskRows(dealer, new int[] {2, 5, 9}, 10, 6)
                        .matmul(new LongMatrix(6, 7, v[0])), new LongMatrix(3, 7, v[1]), "Z = U_b V");
                case CONV -> assertEquals(CONV_G.im2col(new LongMatrix(2, CONV_G.inSize(), v[0]))
                        .matmul(new LongMatrix(CONV_G.patchSize(), CONV_G.outChannels(), v[1])),
                        new LongMatrix(2 * CONV_G.outPixels(), CONV_G.outChannels(), v[2]), "Z = im2col(A) B");
                case CONV_KGRAD, CONV_IGRAD -> checkConvGradients(dealer);
                default -> throw new AssertionError(kind);
            }
        }
    }

    private static final org.twintrain.sharing.arith.ConvGeometry CONV_G =
            new org.twintrain.sharing.arith.ConvGeometry(2, 4, 5, 3, 3, 2, 1);
    private static final TripleKey CONV_FWD = key(0, TripleKey.Kind.CONV, 2, 2, 4, 5, 3, 3, 2, 1);
    private static final TripleKey CONV_KG = new TripleKey(3, 7, "conv.bwd", 0, TripleKey.Kind.CONV_KGRAD,
            convShape(new long[] {Dealer.convTag(CONV_FWD)}));
    private static final TripleKey CONV_IG = new TripleKey(3, 7, "conv.bwd", 2, TripleKey.Kind.CONV_IGRAD,
            convShape(new long[] {Dealer.convTag(CONV_FWD), Dealer.convTag(CONV_KG)}));

    /** {tags as int pairs, batch 2, CONV_G's geometry}. */
    private static int[] convShape(long[] tags) {
        int[] s = new int[2 * tags.length + 8];
        for (int i = 0; i < tags.length; i++) {
            System.arraycopy(Dealer.tagInts(tags[i]), 0, s, 2 * i, 2);
        }
        System.arraycopy(new int[] {2, 2, 4, 5, 3, 3, 2, 1}, 0, s, 2 * tags.length, 8);
        return s;
    }

    /** The gradient keys re-derive the forward key's A and B and the kernel-gradient key's V. */
    private static void checkConvGradients(Dealer dealer) {
        long[][] fwd = dealer.value(CONV_FWD), kg = dealer.value(CONV_KG), ig = dealer.value(CONV_IG);
        LongMatrix a = new LongMatrix(2, CONV_G.inSize(), fwd[0]);
        LongMatrix b = new LongMatrix(CONV_G.patchSize(), CONV_G.outChannels(), fwd[1]);
        LongMatrix v = new LongMatrix(2 * CONV_G.outPixels(), CONV_G.outChannels(), kg[0]);
        assertEquals(CONV_G.im2col(a).transpose().matmul(v), new LongMatrix(CONV_G.patchSize(), CONV_G.outChannels(),
                kg[1]), "Z' = im2col(A)^T V with the forward's A");
        assertEquals(CONV_G.col2im(v.matmul(b.transpose())), new LongMatrix(2, CONV_G.inSize(), ig[0]),
                "Z'' = col2im(V B^T) with the kernel gradient's V and the forward's B");
    }

    @Test
    void convolutionMasksAreFreshPerStepAndTheirKeysSayWhatIsWrong() {
        Dealer dealer = new Dealer(SEED, FP);
        TripleKey nextStep = new TripleKey(3, 8, "dense1", 0, TripleKey.Kind.CONV, CONV_FWD.shape());
        assertEquals(Dealer.convTag(CONV_FWD), Dealer.convTag(nextStep), "the tag leaves out epoch and step");
        assertFalse(Arrays.equals(dealer.value(CONV_FWD)[0], dealer.value(nextStep)[0]), "another step, another A");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Dealer.partSizes(key(1, TripleKey.Kind.CONV, 2, 2, 4, 5, 3, 3, 2)));
        assertTrue(e.getMessage().contains("7 geometry ints"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Dealer.partSizes(key(1, TripleKey.Kind.CONV, 2, 2, 2, 2, 3, 7, 1, 0)));
        assertTrue(e.getMessage().contains("kernel does not fit"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> dealer.value(key(1, TripleKey.Kind.CONV_IGRAD, 1, 2, 2, 2, 3, 3, 2, 1)));
        assertTrue(e.getMessage().contains("CONV_IGRAD"), e.getMessage());
    }

    private static final TripleKey MASK_10x6 = new TripleKey(-1, 0, "data", 0, TripleKey.Kind.DATA_MASK, new int[] {10, 6});
    private static final TripleKey MASK_8x5 = new TripleKey(-1, 0, "data", 0, TripleKey.Kind.DATA_MASK, new int[] {8, 5});

    private static int maskHigh(TripleKey mask) {
        return (int) (Dealer.maskId(mask) >>> 32);
    }

    private static int maskLow(TripleKey mask) {
        return (int) Dealer.maskId(mask);
    }

    /** Rows of the data mask U of a rows x cols data matrix, from the DATA_MASK correlation's value. */
    private static LongMatrix dataMaskRows(Dealer dealer, int[] rows, int all, int cols) {
        LongMatrix u = new LongMatrix(all, cols, dealer.value(new TripleKey(-1, 0, "data", 0, TripleKey.Kind.DATA_MASK,
                new int[] {all, cols}))[0]);
        long[] out = new long[rows.length * cols];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(u.data(), rows[i] * cols, out, i * cols, cols);
        }
        return new LongMatrix(rows.length, cols, out);
    }

    @Test
    void maskedMatmulSlicesTheOneDataMaskWhateverItsKeyAndTransposes() {
        Dealer dealer = new Dealer(SEED, FP);
        int[] rows = {7, 1, 4, 4};
        LongMatrix ub = dataMaskRows(dealer, rows, 8, 5);
        int hi = maskHigh(MASK_8x5), lo = maskLow(MASK_8x5);
        long[][] t0 = dealer.value(key(11, TripleKey.Kind.MASKED_MATMUL, 0, 4, 5, 3, hi, lo, 7, 1, 4, 4));
        assertEquals(ub.matmul(new LongMatrix(5, 3, t0[0])), new LongMatrix(4, 3, t0[1]));
        long[][] t1 = dealer.value(key(12, TripleKey.Kind.MASKED_MATMUL, 1, 5, 4, 2, hi, lo, 7, 1, 4, 4));
        assertEquals(ub.transpose().matmul(new LongMatrix(4, 2, t1[0])), new LongMatrix(5, 2, t1[1]));
        assertFalse(Arrays.equals(t0[0], dealer.value(key(13, TripleKey.Kind.MASKED_MATMUL, 0, 4, 5, 3, hi, lo, 7, 1, 4, 4))[0]),
                "a fresh V per key");
    }

    @Test
    void twoDataMasksOfOneWidthShareNoRowUnderOneDealerSeed() {
        // Two data sets of equal width masked under one dealer seed: X - U and X' - U' must not share U, or their
        // openings would reveal X - X' row by row. Each mask is derived from its own key.
        Dealer dealer = new Dealer(SEED, FP);
        TripleKey train = new TripleKey(-1, 0, "data-mask", 0, TripleKey.Kind.DATA_MASK, new int[] {8, 5});
        TripleKey other = new TripleKey(-1, 0, "data-mask", 1, TripleKey.Kind.DATA_MASK, new int[] {8, 5});
        TripleKey taller = new TripleKey(-1, 0, "data-mask", 0, TripleKey.Kind.DATA_MASK, new int[] {9, 5});
        long[] u = dealer.value(train)[0];
        for (TripleKey k : new TripleKey[] {other, taller}) {
            long[] v = dealer.value(k)[0];
            for (int r = 0; r < 8; r++) {
                assertFalse(Arrays.equals(Arrays.copyOfRange(u, r * 5, r * 5 + 5), Arrays.copyOfRange(v, r * 5, r * 5 + 5)),
                        "row " + r + " of " + k + " differs from the other mask's");
            }
        }
        assertArrayEquals(u, dealer.value(train)[0], "and each mask is deterministic for its key");
    }

    @Test
    void deterministicPerKeyAndDistinctAcrossKeys() {
        Dealer a = new Dealer(SEED, FP), b = new Dealer(SEED.clone(), FP);
        TripleKey k = key(4, TripleKey.Kind.MUL, 64);
        assertArrayEquals(a.half(1, k).part(2), b.half(1, k).part(2));
        assertArrayEquals(a.half(0, k).part(0), b.half(0, k).part(0));
        assertFalse(Arrays.equals(a.value(k)[0], a.value(key(5, TripleKey.Kind.MUL, 64))[0]), "another op");
        assertFalse(Arrays.equals(a.value(k)[0],
                new Dealer("other seed".getBytes(StandardCharsets.UTF_8), FP).value(k)[0]), "another seed");
        // A half alone is not the value.
        assertFalse(Arrays.equals(a.value(k)[0], a.half(1, k).part(0)));
    }

    @Test
    void serverZeroHalfExpandsFromItsSeedAlone() {
        Dealer dealer = new Dealer(SEED, FP);
        TripleKey k = key(1, TripleKey.Kind.MATMUL, 3, 4, 5);
        Correlation fromSeed = Dealer.expandParty0(dealer.party0Seed(), k);
        Correlation half = dealer.half(0, k);
        for (int p = 0; p < 3; p++) {
            assertArrayEquals(half.part(p), fromSeed.part(p));
        }
        assertFalse(Arrays.equals(dealer.party0Seed(), SEED));
    }

    @Test
    void sourceRefusesSecondTakeAndKeepsTheLedger() {
        try (DealerTripleSource source = new DealerTripleSource(1, SEED, FP)) {
            TripleKey k1 = key(0, TripleKey.Kind.AND, 8), k2 = key(1, TripleKey.Kind.MUL, 8);
            source.take(k1);
            source.take(k2);
            assertEquals(List.of(k1, k2), source.consumed());
            TripleReuseException e = assertThrows(TripleReuseException.class,
                    () -> source.take(new TripleKey(3, 7, "dense1", 0, TripleKey.Kind.AND, new int[] {8})));
            assertTrue(e.getMessage().contains(k1.id()), "names the key");
            assertThrows(TripleReuseException.class, () -> source.reserve(List.of(k2)));
            source.reserve(List.of(key(2, TripleKey.Kind.MUL, 8)));
            assertEquals(2, source.consumed().size());
        }
    }

    @Test
    void sourceHandsOutTheDealersHalf() {
        Dealer dealer = new Dealer(SEED, FP);
        TripleKey k = key(9, TripleKey.Kind.TRUNC, 16);
        for (int party = 0; party < 2; party++) {
            try (DealerTripleSource source = new DealerTripleSource(party, SEED, FP)) {
                assertEquals(party, source.party());
                assertArrayEquals(dealer.half(party, k).part(1), source.take(k).part(1));
            }
        }
    }

    @Test
    void correlationToStringHidesValues() {
        Correlation c = new Dealer(SEED, FP).half(1, key(0, TripleKey.Kind.MUL, 2));
        String text = c.toString();
        assertFalse(text.contains(Long.toString(c.part(0)[0])));
    }

    @Test
    void truncationPairsOfAnotherShiftDropThatManyBits() {
        Dealer dealer = new Dealer(SEED, FP);
        TripleKey k = key(0, TripleKey.Kind.TRUNC, 50, 20);
        long[][] v = recombine(k, dealer.half(0, k), dealer.half(1, k));
        assertEquals(50, v[0].length);
        for (int i = 0; i < 50; i++) {
            assertEquals((v[0][i] & Long.MAX_VALUE) >> 20, v[1][i]);
            assertEquals(v[0][i] >>> 63, v[2][i]);
        }
        assertThrows(IllegalArgumentException.class, () -> Dealer.partSizes(key(0, TripleKey.Kind.TRUNC, 5, 63)));
    }

    /**
     * COMPARE: r recombines, h is bit 31 of r and hr = h r; the correction words are the same in both halves,
     * server 0's first four parts come from its seed alone, and the two DCF keys add up to (1 - 2h, (1 - 2h) r)
     * below r mod 2^31 and to 0 from there on.
     */
    private static void checkCompare(Dealer dealer, TripleKey k, Correlation[] h, int n) {
        long[] r = new long[n];
        for (int i = 0; i < n; i++) {
            r[i] = h[0].part(0)[i] + h[1].part(0)[i];
            long top = (r[i] >>> 31) & 1L;
            assertEquals(top, h[0].part(1)[i] + h[1].part(1)[i], "h of entry " + i);
            assertEquals(top * r[i], h[0].part(2)[i] + h[1].part(2)[i], "h r of entry " + i);
        }
        assertArrayEquals(dealer.value(k)[0], r);
        assertArrayEquals(h[0].part(4), h[1].part(4), "the correction words are public, the same in both halves");
        Correlation fromSeed = Dealer.expandParty0(dealer.party0Seed(), k);
        for (int p = 0; p < 4; p++) {
            assertArrayEquals(h[0].part(p), fromSeed.part(p), "server 0's part " + p + " comes from its seed");
        }
        assertEquals(null, fromSeed.part(4), "the correction words cannot come from server 0's seed");
        long[] points = new long[n];
        long low = (1L << 31) - 1;
        for (int i = 0; i < n; i++) {
            points[i] = i % 2 == 0 ? (r[i] & low) - 1 & low : r[i] & low; // just below alpha, then alpha itself
        }
        long[] y0 = org.twintrain.sharing.fss.Dcf.evaluate(0, 31, h[0].part(3), h[0].part(4), points, 1);
        long[] y1 = org.twintrain.sharing.fss.Dcf.evaluate(1, 31, h[1].part(3), h[1].part(4), points, 1);
        for (int i = 0; i < n; i++) {
            long top = (r[i] >>> 31) & 1L;
            boolean below = Long.compareUnsigned(points[i], r[i] & low) < 0;
            assertEquals(below ? 1 - 2 * top : 0, y0[2 * i] + y1[2 * i], "DCF value 0 at entry " + i);
            assertEquals(below ? (1 - 2 * top) * r[i] : 0, y0[2 * i + 1] + y1[2 * i + 1], "DCF value 1 at entry " + i);
        }
    }
}
