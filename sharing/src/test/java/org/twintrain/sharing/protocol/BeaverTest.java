package org.twintrain.sharing.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.twintrain.sharing.arith.TwoPartyRunner;
import org.twintrain.sharing.ring.LongMatrix;
import org.twintrain.sharing.triples.Correlation;
import org.twintrain.sharing.triples.TripleKey;

/** Open and the Beaver products reconstruct to the exact ring results, at the analytical cost. */
class BeaverTest {

    private static LongMatrix random(Random r, int rows, int cols) {
        return new LongMatrix(rows, cols, Parties.ringValues(r, rows * cols));
    }

    @Test
    void openManyMatricesInOneRound() {
        Random r = new Random(1);
        LongMatrix a = random(r, 3, 4), b = random(r, 1, 9);
        LongMatrix[] as = Parties.share(a, r), bs = Parties.share(b, r);
        TwoPartyRunner.Result<LongMatrix[]> got = Parties.run(ctx -> Open.open(ctx, as[ctx.party()], bs[ctx.party()]));
        for (LongMatrix[] party : new LongMatrix[][] {got.party0(), got.party1()}) {
            assertEquals(a, party[0]);
            assertEquals(b, party[1]);
        }
        assertEquals(1, got.stats0().rounds());
        assertEquals(8L * (12 + 9), got.stats0().bytesSent());
        assertEquals(8L * (12 + 9), got.stats1().bytesSent());
    }

    @Test
    void mulIsTheRingProductInOneRound() {
        Random r = new Random(2);
        int rows = 7, cols = 9;
        LongMatrix x = random(r, rows, cols), y = random(r, rows, cols), z = random(r, 1, 5);
        LongMatrix[] xs = Parties.share(x, r), ys = Parties.share(y, r), zs = Parties.share(z, r);
        TwoPartyRunner.Result<LongMatrix[]> got = Parties.run(ctx -> BeaverMul.mul(ctx,
                new LongMatrix[] {xs[ctx.party()], zs[ctx.party()]}, new LongMatrix[] {ys[ctx.party()], zs[ctx.party()]}));
        LongMatrix xy = got.party0()[0].add(got.party1()[0]), zz = got.party0()[1].add(got.party1()[1]);
        for (int i = 0; i < x.size(); i++) {
            assertEquals(x.data()[i] * y.data()[i], xy.data()[i], "entry " + i);
        }
        for (int i = 0; i < z.size(); i++) {
            assertEquals(z.data()[i] * z.data()[i], zz.data()[i]);
        }
        assertEquals(1, got.stats0().rounds());
        assertEquals(16L * (rows * cols + 5), got.stats0().bytesSent());
    }

    @Test
    void squareIsTheRingSquareInOneRoundAtHalfTheBytes() {
        Random r = new Random(3);
        LongMatrix x = random(r, 4, 16);
        LongMatrix[] xs = Parties.share(x, r);
        TwoPartyRunner.Result<LongMatrix> got = Parties.run(ctx -> BeaverSquare.square(ctx, xs[ctx.party()]));
        LongMatrix sq = Parties.reconstruct(got);
        for (int i = 0; i < x.size(); i++) {
            assertEquals(x.data()[i] * x.data()[i], sq.data()[i]);
        }
        assertEquals(1, got.stats1().rounds());
        assertEquals(8L * x.size(), got.stats1().bytesSent());
    }

    @Test
    void matmulIsTheRingProductAtExactlyTheAnalyticalCost() {
        Random r = new Random(4);
        int[][] shapes = {{6, 9, 4}, {1, 1, 1}, {17, 3, 11}};
        for (int[] s : shapes) {
            int m = s[0], k = s[1], n = s[2];
            LongMatrix x = random(r, m, k), y = random(r, k, n);
            LongMatrix[] xs = Parties.share(x, r), ys = Parties.share(y, r);
            TwoPartyRunner.Result<LongMatrix> got = Parties.run(
                    ctx -> BeaverMatMul.multiply(ctx, xs[ctx.party()], ys[ctx.party()]));
            assertEquals(x.matmul(y), Parties.reconstruct(got), m + "x" + k + "x" + n);
            for (var stats : new org.twintrain.sharing.channel.ChannelStats[] {got.stats0(), got.stats1()}) {
                assertEquals(1, stats.rounds(), "one exchange");
                assertEquals(8L * (m * k + k * n), stats.bytesSent(), "8(mk + kn) bytes");
                assertEquals(8L * (m * k + k * n), stats.bytesReceived());
            }
        }
    }

    @Test
    void maskedLeftOperandIsReusedWithOnlyTheRightOpening() {
        // One opening of X - U, then a product that opens only Y - V: SecureML's reuse of a data matrix's mask.
        Random r = new Random(5);
        int m = 5, k = 4, n = 3;
        LongMatrix x = random(r, m, k), y = random(r, k, n);
        LongMatrix[] xs = Parties.share(x, r), ys = Parties.share(y, r);
        TwoPartyRunner.Result<long[]> got = Parties.run(ctx -> {
            Correlation t = ctx.take(TripleKey.Kind.MATMUL, m, k, n);
            BeaverMatMul.MaskedLeft left = BeaverMatMul.maskLeft(ctx, xs[ctx.party()], new LongMatrix(m, k, t.part(0)));
            long before = ctx.channel().stats().bytesSent();
            LongMatrix z = BeaverMatMul.multiplyMasked(ctx, left, ys[ctx.party()], new LongMatrix(k, n, t.part(1)),
                    new LongMatrix(m, n, t.part(2)));
            long[] out = z.data().clone();
            long[] withCost = java.util.Arrays.copyOf(out, out.length + 1);
            withCost[out.length] = ctx.channel().stats().bytesSent() - before;
            return withCost;
        });
        long[] product = new long[m * n];
        for (int i = 0; i < product.length; i++) {
            product[i] = got.party0()[i] + got.party1()[i];
        }
        assertEquals(x.matmul(y), new LongMatrix(m, n, product));
        assertEquals(8L * k * n, got.party0()[m * n], "the reused product opens only F");
    }
}
