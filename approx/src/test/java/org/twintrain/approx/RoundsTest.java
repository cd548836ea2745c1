package org.twintrain.approx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.function.BiFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;
import org.twintrain.sharing.arith.TwoPartyRunner;
import org.twintrain.sharing.protocol.TruncationMode;
import org.twintrain.sharing.ring.FixedPoint;

/**
 * Communication rounds on two parties: the max tree spends one fused max (comparison and select) per level,
 * Taylor one product per degree above 1, pwl:3 tanh one comparison and one exact product by its bits, all after
 * one batched truncation of the public scalings.
 */
class RoundsTest {
    private static final byte[] SEED = "rounds test".getBytes(StandardCharsets.UTF_8);

    private static long rounds(TruncationMode mode, BiFunction<Arithmetic, Matrix, Matrix> op) {
        TwoPartyRunner.Result<Long> r = new TwoPartyRunner(new FixedPoint(16), mode, SEED).run(a -> {
            Matrix x = a.fromPublic(2, 3, new double[] {-3, -1, 0, 0.5, 1.5, 3});
            var stats = a.context().channel().stats();
            long before = stats.rounds();
            op.apply(a, x);
            return stats.rounds() - before;
        });
        assertEquals(r.party0(), r.party1());
        return r.party0();
    }

    @ParameterizedTest
    @EnumSource(TruncationMode.class)
    void treeOfMaxAndHorner(TruncationMode mode) {
        long compare = rounds(mode, (a, x) -> a.lessThanZero(x));
        long product = rounds(mode, (a, x) -> a.mul(x, x));
        long scale = rounds(mode, (a, x) -> a.scale(x, 0.3));
        long max = rounds(mode, (a, x) -> a.max(x, a.neg(x)));
        long relu = rounds(mode, (a, x) -> a.relu(x));
        long bitProduct = rounds(mode, (a, x) -> a.mulBit(a.lessThanZero(x), x)) - compare;
        assertEquals(1, bitProduct, "a product by a comparison bit needs no truncation round");
        long thresholds = rounds(mode, (a, x) -> a.atLeastWithProducts(x, new double[] {-1, 0, 1})[1]);
        for (int k = 4; k <= 7; k++) {
            PiecewiseLinearExp p = PiecewiseLinearExp.of(k);
            // One comparison of x with all breakpoints, then one truncation of the combination: whatever k.
            assertEquals(thresholds + scale, rounds(mode, p::apply), "pwl:" + k);
            assertEquals(thresholds + scale, rounds(mode, p::derivative), "pwl:" + k + "'");
        }
        for (int k = 2; k <= 8; k++) {
            TaylorExp t = new TaylorExp(k);
            assertEquals(scale + (k - 1) * product + (k % 2 == 1 ? relu : 0), rounds(mode, t::apply), "taylor:" + k);
        }
        assertEquals(compare + bitProduct, rounds(mode, new PwlTanh()::apply), "pwl:3");
    }
}
