package org.twintrain.engine.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.twintrain.approx.ApproxConfig;
import org.twintrain.engine.Nonlinearities;
import org.twintrain.engine.Context;
import org.twintrain.engine.Param;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.DoubleArithmetic;
import org.twintrain.sharing.arith.FixedPointArithmetic;
import org.twintrain.sharing.arith.TwoPartyRunner;
import org.twintrain.sharing.protocol.TruncationMode;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.triples.TripleKey;

/**
 * SGD with momentum and weight decay: the fixed-point update that keeps u = lr v (one truncation per parameter)
 * follows PyTorch's floating-point update through rate drops down to rates that f bits alone could not hold, and
 * takes one truncation round per step on two parties.
 */
class SgdTest {
    private static final FixedPoint F16 = new FixedPoint(16);
    private static final int STEPS = 40;
    private static final int BATCH = 128;

    /** Runs STEPS updates of two parameters with fixed public gradients (as if summed over a batch of 128). */
    private static double[] train(Arithmetic a, StepSchedule schedule) {
        return train(a, schedule, 40.0);
    }

    private static double[] train(Arithmetic a, StepSchedule schedule, double gradRange) {
        Context ctx = new Context(a, Nonlinearities.from(ApproxConfig.defaults()));
        SplittableRandom r = new SplittableRandom(7);
        Param w = new Param("w", a.fromPublic(3, 4, values(r, 12, 0.5)), true);
        Param b = new Param("b", a.fromPublic(1, 4, values(r, 4, 0.1)), true);
        Sgd sgd = new Sgd(0.9, 1e-3, schedule);
        for (int step = 0; step < STEPS; step++) {
            ctx.at(true, 0, step, 1);
            w.accumulate(a, a.fromPublic(3, 4, values(r, 12, gradRange)));
            b.accumulate(a, a.fromPublic(1, 4, values(r, 4, gradRange)));
            sgd.step(ctx, List.of(w, b), 1.0 / BATCH);
        }
        double[] out = new double[16];
        System.arraycopy(a.reveal(w.value()), 0, out, 0, 12);
        System.arraycopy(a.reveal(b.value()), 0, out, 12, 4);
        return out;
    }

    @Test
    void theOneTruncationUpdateFollowsFloatingPointThroughRateDrops() {
        // 0.05 / 128 = 2^-11.3, then two drops by 10: lr / batch reaches 3.9e-6, 0.26 ulps at f = 16.
        StepSchedule schedule = new StepSchedule(0.05, 15, 10, 0.1);
        // The emulation of a secure run (stochastic rounding, unbiased like the two-party truncation).
        FixedPointArithmetic fixed = FixedPointArithmetic.emulation(F16, 3);
        assertTrue(Sgd.keepsStep(fixed), "f = 16 takes the one-truncation update");
        double[] expected = train(new DoubleArithmetic(), schedule);
        double[] got = train(fixed, schedule);
        // Unbiased rounding noise of about an ulp per step, carried by u (times 1 / (1 - mu) = 10): a random walk
        // of about 10 sqrt(40) ulp/2 = 5e-4; a coefficient rounded to f bits or a wrong rate ratio is off by 1e-2.
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], got[i], 1.5e-3, "parameter entry " + i);
        }
    }

    @Test
    void stepsBelowTheResolutionOfFStillMoveTheWeights() {
        // lr / batch = 1e-4 / 128 = 7.8e-7 (0.05 ulp): encoded with f = 16 bits it would be 0 and nothing would ever move.
        StepSchedule schedule = StepSchedule.constant(1e-4);
        double[] start = train(new DoubleArithmetic(), new StepSchedule(1e-300, 0, 1, 1.0), 400.0);
        double[] expected = train(new DoubleArithmetic(), schedule, 400.0);
        double[] got = train(FixedPointArithmetic.emulation(F16, 4), schedule, 400.0);
        double moved = 0;
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], got[i], 1.5e-3, "parameter entry " + i);
            moved = Math.max(moved, Math.abs(expected[i] - start[i]));
        }
        assertTrue(moved > 1e-2, "the weights moved by " + moved);
    }

    @Test
    void twoPartiesTakeOneTruncationForAllParametersPerStep() {
        byte[] seed = "sgd test dealer".getBytes(StandardCharsets.UTF_8);
        TwoPartyRunner.Result<List<TripleKey>> r = new TwoPartyRunner(F16, TruncationMode.WRAP_FREE, seed).run(a -> {
            train(a, new StepSchedule(0.05, 15, 10, 0.1));
            return a.context().triples().consumed();
        });
        List<TripleKey> sgd = r.party0().stream().filter(k -> k.layer().equals("sgd")).toList();
        assertEquals(STEPS, sgd.size(), "one key per step: " + sgd.subList(0, Math.min(4, sgd.size())));
        for (TripleKey k : sgd) {
            assertEquals(TripleKey.Kind.TRUNC, k.kind());
            assertEquals(16, k.shape()[0], "both parameters' 12 + 4 entries in one truncation");
            assertEquals(16 + Sgd.EXTRA_BITS, k.shape()[1], "shifted by f plus the coefficients' extra bits");
        }
        assertFalse(Sgd.keepsStep(new FixedPointArithmetic(new FixedPoint(20))), "f = 20 leaves no room: two truncations");
    }

    private static double[] values(SplittableRandom r, int n, double range) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (r.nextDouble() * 2 - 1) * range;
        }
        return v;
    }
}
