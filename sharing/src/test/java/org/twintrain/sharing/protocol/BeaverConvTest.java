package org.twintrain.sharing.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.twintrain.sharing.arith.ConvGeometry;
import org.twintrain.sharing.arith.FixedPointArithmetic;
import org.twintrain.sharing.arith.Matrix;
import org.twintrain.sharing.arith.TwoPartyArithmetic;
import org.twintrain.sharing.arith.TwoPartyRunner;
import org.twintrain.sharing.channel.ChannelStats;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.ring.LongMatrix;
import org.twintrain.sharing.testing.LoopbackTls;
import org.twintrain.sharing.triples.Dealer;
import org.twintrain.sharing.triples.TripleKey;

/**
 * Convolution triples on the unexpanded input ({@link BeaverConv}): exact ring results on full-range inputs, the
 * analytical bytes and rounds, and through {@link TwoPartyArithmetic} (fixed point, in memory and over TLS) the
 * cleartext twin's results to one ulp, with the fallbacks when an operand is not the forward's.
 */
class BeaverConvTest {
    /** Channels, height, width, outChannels, k, stride, pad: padding, stride 2, 1x1, a kernel as wide as the input. */
    private static final ConvGeometry[] GEOMETRIES = {
        new ConvGeometry(2, 5, 5, 3, 3, 1, 1),
        new ConvGeometry(3, 6, 5, 2, 3, 2, 1),
        new ConvGeometry(4, 3, 3, 5, 1, 1, 0),
        new ConvGeometry(1, 4, 4, 2, 4, 1, 0),
    };

    @Test
    void forwardAndBothGradientsAreTheRingProductsAtTheAnalyticalCost() {
        Random r = new Random(11);
        for (ConvGeometry g : GEOMETRIES) {
            int batch = 3;
            LongMatrix x = ring(r, batch, g.inSize()), w = ring(r, g.patchSize(), g.outChannels());
            LongMatrix dy = ring(r, batch, g.outSize());
            LongMatrix[] xs = Parties.share(x, r), ws = Parties.share(w, r), dys = Parties.share(dy, r);
            TwoPartyRunner.Result<LongMatrix[]> got = Parties.run(ctx -> {
                int p = ctx.party();
                ChannelStats s = ctx.channel().stats();
                BeaverConv.Forward f = BeaverConv.forward(ctx, xs[p], ws[p], g);
                long[] cost = {s.rounds(), s.bytesSent()};
                LongMatrix kernelGrad = BeaverConv.kernelGrad(ctx, f.opened(), xs[p], dys[p]);
                long[] cost2 = {s.rounds() - cost[0], s.bytesSent() - cost[1]};
                LongMatrix inputGrad = BeaverConv.inputGrad(ctx, f.opened(), dys[p], ws[p]);
                long[] cost3 = {s.rounds() - cost[0] - cost2[0], s.bytesSent() - cost[1] - cost2[1]};
                return new LongMatrix[] {f.product(), kernelGrad, inputGrad, new LongMatrix(1, 6,
                    new long[] {cost[0], cost[1], cost2[0], cost2[1], cost3[0], cost3[1]})};
            });
            String where = g.toString();
            LongMatrix cols = g.im2col(x), dyProduct = g.fromLayout(dy);
            assertEquals(cols.matmul(w), sum(got, 0), "forward " + where);
            assertEquals(cols.transpose().matmul(dyProduct), sum(got, 1), "kernel gradient " + where);
            assertEquals(g.col2im(dyProduct.matmul(w.transpose())), sum(got, 2), "input gradient " + where);
            for (LongMatrix[] party : List.of(got.party0(), got.party1())) {
                long[] c = party[3].data();
                assertEquals(1, c[0], "forward: one round " + where);
                assertEquals(8L * (batch * g.inSize() + g.patchSize() * g.outChannels()), c[1],
                        "forward opens X - A of the input's own size and W - B " + where);
                assertEquals(1, c[2], "kernel gradient: one round " + where);
                assertEquals(8L * batch * g.outSize(), c[3], "kernel gradient opens only dY - V " + where);
                assertEquals(0, c[4], "input gradient: no round " + where);
                assertEquals(0, c[5], "input gradient: no bytes " + where);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"in memory", "over TLS"})
    void twoPartyConvolutionMatchesTheFixedPointTwinWithinOneUlp(String transport) {
        FixedPoint codec = new FixedPoint(16);
        Random r = new Random(12);
        ConvGeometry g = new ConvGeometry(2, 6, 6, 3, 3, 1, 1);
        int batch = 4;
        // Negatives, zeros and the edges of the documented range (|x| w products within 2^(63 - 2f)).
        double[] x = values(r, batch * g.inSize(), 100.0);
        double[] w = values(r, g.patchSize() * g.outChannels(), 2.0);
        double[] dy = values(r, batch * g.outSize(), 8.0);
        FixedPointArithmetic twin = new FixedPointArithmetic(codec);
        double[][] expected = convolutions(twin, batch, g, x, w, dy);
        TwoPartyRunner runner = new TwoPartyRunner(codec, TruncationMode.WRAP_FREE, Parties.DEALER_SEED);
        TwoPartyRunner.Result<double[][]> got = transport.equals("over TLS")
                ? runner.run(a -> convolutions(a, batch, g, x, w, dy), LoopbackTls.pair())
                : runner.run(a -> convolutions(a, batch, g, x, w, dy));
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i].length, got.party0()[i].length);
            for (int j = 0; j < expected[i].length; j++) {
                assertEquals(expected[i][j], got.party0()[i][j], codec.ulp() * 1.000001, "output " + i + " entry " + j);
                assertEquals(got.party0()[i][j], got.party1()[i][j], 0.0, "both parties reveal the same");
            }
        }
    }

    /**
     * A dense layer's three products through {@link org.twintrain.sharing.arith.Arithmetic#denseForward} and its two
     * gradients: on two parties pointwise convolution triples (forward 8 (B in + in out) bytes, weight gradient 8 B
     * out, input gradient nothing), within one ulp of the twin's matrix products.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"in memory", "over TLS"})
    void denseLayersTakePointwiseConvolutionTriplesAtTheirCost(String transport) {
        FixedPoint codec = new FixedPoint(16);
        Random r = new Random(14);
        int batch = 5, in = 7, out = 3;
        double[] x = values(r, batch * in, 100.0), w = values(r, in * out, 2.0), dy = values(r, batch * out, 8.0);
        FixedPointArithmetic twin = new FixedPointArithmetic(codec);
        Matrix tx = twin.fromPublic(batch, in, x), tw = twin.fromPublic(in, out, w), tdy = twin.fromPublic(batch, out, dy);
        double[][] expected = {twin.reveal(twin.matmul(tx, tw)), twin.reveal(twin.matmulTransposeA(tx, tdy)),
            twin.reveal(twin.matmulTransposeB(tdy, tw))};
        java.util.function.Function<org.twintrain.sharing.arith.TwoPartyArithmetic, Object[]> program = a -> {
            Matrix sx = share(a, batch, in, x), sw = share(a, in, out, w), sdy = share(a, batch, out, dy);
            ChannelStats s = a.context().channel().stats();
            long[] bytes = new long[3], rounds = new long[3];
            double[][] revealed = new double[3][];
            a.beginScope(0, 0, "dense.fwd");
            long b0 = s.bytesSent(), r0 = s.rounds();
            Matrix y = a.denseForward(sx, sw);
            bytes[0] = s.bytesSent() - b0;
            rounds[0] = s.rounds() - r0;
            a.beginScope(0, 0, "dense.bwd");
            b0 = s.bytesSent();
            r0 = s.rounds();
            Matrix dw = a.denseWeightGrad(sx, sdy);
            bytes[1] = s.bytesSent() - b0;
            rounds[1] = s.rounds() - r0;
            b0 = s.bytesSent();
            r0 = s.rounds();
            Matrix dx = a.denseInputGrad(sdy, sw);
            bytes[2] = s.bytesSent() - b0;
            rounds[2] = s.rounds() - r0;
            revealed[0] = a.reveal(y);
            revealed[1] = a.reveal(dw);
            revealed[2] = a.reveal(dx);
            return new Object[] {revealed, bytes, rounds,
                a.context().triples().consumed().stream().map(TripleKey::kind).toList()};
        };
        // Local truncation costs no byte and no round, so the counts below are the products' own openings.
        TwoPartyRunner local = new TwoPartyRunner(codec, TruncationMode.LOCAL, Parties.DEALER_SEED);
        TwoPartyRunner.Result<Object[]> got = transport.equals("over TLS") ? local.run(program::apply, LoopbackTls.pair())
                : local.run(program::apply);
        for (int i = 0; i < 3; i++) {
            assertClose(expected[i], ((double[][]) got.party0()[0])[i], codec.ulp());
        }
        long[] bytes = (long[]) got.party0()[1], rounds = (long[]) got.party0()[2];
        assertEquals(8L * (batch * in + in * out), bytes[0], "forward opens X - A and W - B");
        assertEquals(8L * batch * out, bytes[1], "the weight gradient reuses X - A and opens only dY - V");
        assertEquals(0L, bytes[2], "the input gradient opens nothing");
        assertEquals(List.of(1L, 1L, 0L), List.of(rounds[0], rounds[1], rounds[2]));
        @SuppressWarnings("unchecked")
        List<TripleKey.Kind> kinds = (List<TripleKey.Kind>) got.party0()[3];
        assertEquals(List.of(TripleKey.Kind.CONV, TripleKey.Kind.CONV_KGRAD, TripleKey.Kind.CONV_IGRAD), kinds);
        // The default (wrap-free) truncation: the same products within one ulp of the twin.
        TwoPartyRunner.Result<Object[]> wrapFree = new TwoPartyRunner(codec, TruncationMode.WRAP_FREE,
                Parties.DEALER_SEED).run(program::apply);
        for (int i = 0; i < 3; i++) {
            assertClose(expected[i], ((double[][]) wrapFree.party0()[0])[i], codec.ulp());
        }
    }

    /**
     * Both gradients of a layer in one call: the input gradient's truncation joins the weight gradient's, so a
     * dense or convolution layer's backward takes two rounds (the opening of dY - V, one truncation), not three.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"in memory", "over TLS"})
    void bothGradientsOfALayerShareOneTruncationRound(String transport) {
        FixedPoint codec = new FixedPoint(16);
        Random r = new Random(15);
        int batch = 4, in = 6, out = 3;
        ConvGeometry g = new ConvGeometry(2, 4, 4, 2, 3, 1, 1);
        double[] x = values(r, batch * in, 50.0), w = values(r, in * out, 2.0), dy = values(r, batch * out, 8.0);
        double[] cx = values(r, batch * g.inSize(), 10.0), cw = values(r, g.patchSize() * g.outChannels(), 1.0);
        double[] cdy = values(r, batch * g.outSize(), 4.0);
        FixedPointArithmetic twin = new FixedPointArithmetic(codec);
        double[][] expected = {
            twin.reveal(twin.matmulTransposeA(twin.fromPublic(batch, in, x), twin.fromPublic(batch, out, dy))),
            twin.reveal(twin.matmulTransposeB(twin.fromPublic(batch, out, dy), twin.fromPublic(in, out, w))),
            twin.reveal(twin.conv2dKernelGrad(twin.fromPublic(batch, g.inSize(), cx),
                    twin.fromPublic(batch, g.outSize(), cdy), g)),
            twin.reveal(twin.conv2dInputGrad(twin.fromPublic(batch, g.outSize(), cdy),
                    twin.fromPublic(g.patchSize(), g.outChannels(), cw), g))};
        java.util.function.Function<org.twintrain.sharing.arith.TwoPartyArithmetic, Object[]> program = a -> {
            Matrix sx = share(a, batch, in, x), sw = share(a, in, out, w), sdy = share(a, batch, out, dy);
            Matrix scx = share(a, batch, g.inSize(), cx), scw = share(a, g.patchSize(), g.outChannels(), cw);
            Matrix scdy = share(a, batch, g.outSize(), cdy);
            ChannelStats s = a.context().channel().stats();
            a.beginScope(0, 0, "fwd");
            a.denseForward(sx, sw);
            a.conv2d(scx, scw, g);
            a.beginScope(0, 0, "bwd");
            long r0 = s.rounds();
            Matrix[] dense = a.denseGradients(sx, sdy, sw);
            long denseRounds = s.rounds() - r0;
            r0 = s.rounds();
            Matrix[] conv = a.conv2dGradients(scx, scdy, scw, g);
            long convRounds = s.rounds() - r0;
            return new Object[] {new double[][] {a.reveal(dense[0]), a.reveal(dense[1]), a.reveal(conv[0]),
                a.reveal(conv[1])}, denseRounds, convRounds};
        };
        TwoPartyRunner runner = new TwoPartyRunner(codec, TruncationMode.WRAP_FREE, Parties.DEALER_SEED);
        TwoPartyRunner.Result<Object[]> got = transport.equals("over TLS") ? runner.run(program::apply, LoopbackTls.pair())
                : runner.run(program::apply);
        double[][] revealed = (double[][]) got.party0()[0];
        for (int i = 0; i < expected.length; i++) {
            assertClose(expected[i], revealed[i], codec.ulp());
        }
        assertEquals(2L, got.party0()[1], "dense: the opening of dY - V, then one truncation round for both");
        assertEquals(2L, got.party0()[2], "convolution: the same");
    }

    @Test
    void gradientsOfAnotherInputOrKernelTakeAFreshTripleAndAreStillRight() {
        FixedPoint codec = new FixedPoint(16);
        Random r = new Random(13);
        ConvGeometry g = new ConvGeometry(2, 4, 4, 2, 3, 1, 1);
        int batch = 2;
        double[] x = values(r, batch * g.inSize(), 10.0), w = values(r, g.patchSize() * g.outChannels(), 1.0);
        double[] dy = values(r, batch * g.outSize(), 4.0);
        FixedPointArithmetic twin = new FixedPointArithmetic(codec);
        Matrix tx = twin.fromPublic(batch, g.inSize(), x), tw = twin.fromPublic(g.patchSize(), g.outChannels(), w);
        Matrix tdy = twin.fromPublic(batch, g.outSize(), dy);
        double[] kernelGrad = twin.reveal(twin.conv2dKernelGrad(tx, tdy, g));
        double[] inputGrad = twin.reveal(twin.conv2dInputGrad(tdy, tw, g));
        TwoPartyRunner.Result<Object[]> got = new TwoPartyRunner(codec, TruncationMode.WRAP_FREE, Parties.DEALER_SEED)
                .run(a -> {
                    Matrix sx = share(a, batch, g.inSize(), x), sw = share(a, g.patchSize(), g.outChannels(), w);
                    Matrix sdy = share(a, batch, g.outSize(), dy);
                    a.beginScope(0, 0, "fwd");
                    a.conv2d(sx, sw, g);
                    a.beginScope(0, 0, "bwd");
                    ChannelStats s = a.context().channel().stats();
                    long before = s.bytesSent();
                    Matrix otherX = a.add(sx, a.zeros(batch, g.inSize())); // same values, not the forward's object
                    double[] k = a.reveal(a.conv2dKernelGrad(otherX, sdy, g));
                    long kernelBytes = s.bytesSent() - before - 8L * g.patchSize() * g.outChannels();
                    Matrix otherW = a.add(sw, a.zeros(g.patchSize(), g.outChannels()));
                    before = s.bytesSent();
                    double[] in = a.reveal(a.conv2dInputGrad(sdy, otherW, g));
                    long inputBytes = s.bytesSent() - before - 8L * batch * g.inSize();
                    return new Object[] {k, in, kernelBytes, inputBytes,
                        a.context().triples().consumed().stream().map(TripleKey::kind).toList()};
                });
        assertClose(kernelGrad, (double[]) got.party0()[0], codec.ulp());
        assertClose(inputGrad, (double[]) got.party0()[1], codec.ulp());
        long im2colOpening = 8L * batch * g.outPixels() * g.patchSize();
        assertTrue((long) got.party0()[2] >= im2colOpening, "the fallback kernel gradient opens im2col(x) - U");
        assertTrue((long) got.party0()[3] >= 8L * batch * g.outSize(), "the fallback input gradient opens dY - U");
        @SuppressWarnings("unchecked")
        List<TripleKey.Kind> kinds = (List<TripleKey.Kind>) got.party0()[4];
        assertEquals(List.of(TripleKey.Kind.CONV, TripleKey.Kind.TRUNC, TripleKey.Kind.MATMUL, TripleKey.Kind.TRUNC,
                TripleKey.Kind.MATMUL, TripleKey.Kind.TRUNC), kinds,
                "no conv gradient key for operands the forward did not open");
    }

    @Test
    void eachKernelGradientTakesItsOwnOutputGradientMask() {
        // Two kernel gradients of one forward (say, a recomputation) must not open two dY under one V.
        Random r = new Random(14);
        ConvGeometry g = new ConvGeometry(1, 3, 3, 2, 3, 1, 1);
        LongMatrix x = ring(r, 1, g.inSize()), w = ring(r, g.patchSize(), g.outChannels());
        LongMatrix dy = ring(r, 1, g.outSize()), dy2 = ring(r, 1, g.outSize());
        LongMatrix[] xs = Parties.share(x, r), ws = Parties.share(w, r);
        LongMatrix[] dys = Parties.share(dy, r), dy2s = Parties.share(dy2, r);
        TwoPartyRunner.Result<List<TripleKey>> got = Parties.run(ctx -> {
            int p = ctx.party();
            BeaverConv.Forward f = BeaverConv.forward(ctx, xs[p], ws[p], g);
            BeaverConv.kernelGrad(ctx, f.opened(), xs[p], dys[p]);
            BeaverConv.kernelGrad(ctx, f.opened(), xs[p], dy2s[p]);
            return ctx.triples().consumed();
        });
        List<TripleKey> keys = got.party0();
        Dealer dealer = new Dealer(Parties.DEALER_SEED, new FixedPoint(16));
        long[] v1 = dealer.value(keys.get(1))[0], v2 = dealer.value(keys.get(2))[0];
        assertNotEquals(java.util.Arrays.toString(v1), java.util.Arrays.toString(v2));
    }

    @Test
    void anInputGradientWithoutItsKernelGradientIsRefused() {
        Random r = new Random(15);
        ConvGeometry g = new ConvGeometry(1, 3, 3, 1, 3, 1, 1);
        LongMatrix x = ring(r, 1, g.inSize()), w = ring(r, g.patchSize(), 1), dy = ring(r, 1, g.outSize());
        LongMatrix[] xs = Parties.share(x, r), ws = Parties.share(w, r), dys = Parties.share(dy, r);
        TwoPartyRunner.TwoPartyException e = assertThrows(TwoPartyRunner.TwoPartyException.class,
                () -> Parties.run(ctx -> {
                    BeaverConv.Forward f = BeaverConv.forward(ctx, xs[ctx.party()], ws[ctx.party()], g);
                    return BeaverConv.inputGrad(ctx, f.opened(), dys[ctx.party()], ws[ctx.party()]);
                }));
        assertTrue(String.valueOf(e.getCause()).contains("do not serve an input gradient"), String.valueOf(e.getCause()));
    }

    /** conv2d, its kernel gradient and its input gradient of the given public values, revealed. */
    private static double[][] convolutions(org.twintrain.sharing.arith.Arithmetic a, int batch, ConvGeometry g,
            double[] x, double[] w, double[] dy) {
        Matrix sx = share(a, batch, g.inSize(), x), sw = share(a, g.patchSize(), g.outChannels(), w);
        Matrix sdy = share(a, batch, g.outSize(), dy);
        a.beginScope(0, 0, "conv.fwd");
        Matrix y = a.conv2d(sx, sw, g);
        a.beginScope(0, 0, "conv.bwd");
        Matrix kernelGrad = a.conv2dKernelGrad(sx, sdy, g);
        Matrix inputGrad = a.conv2dInputGrad(sdy, sw, g);
        return new double[][] {a.reveal(y), a.reveal(kernelGrad), a.reveal(inputGrad)};
    }

    /** A public value as this backend's secret (two parties: party 0's share, the other zeros). */
    private static Matrix share(org.twintrain.sharing.arith.Arithmetic a, int rows, int cols, double[] v) {
        return a.fromPublic(rows, cols, v);
    }

    private static double[] values(Random r, int n, double range) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (i % 7) {
                case 0 -> 0.0;
                case 1 -> range;
                case 2 -> -range;
                default -> (r.nextDouble() * 2 - 1) * range;
            };
        }
        return v;
    }

    private static void assertClose(double[] expected, double[] got, double ulp) {
        assertEquals(expected.length, got.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], got[i], ulp * 1.000001, "entry " + i);
        }
    }

    private static LongMatrix sum(TwoPartyRunner.Result<LongMatrix[]> got, int i) {
        return got.party0()[i].add(got.party1()[i]);
    }

    private static LongMatrix ring(Random r, int rows, int cols) {
        return new LongMatrix(rows, cols, Parties.ringValues(r, rows * cols));
    }
}
