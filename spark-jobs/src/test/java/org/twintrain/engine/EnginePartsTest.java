package org.twintrain.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.twintrain.engine.layers.BatchNorm;
import org.twintrain.engine.optim.StepSchedule;
import org.twintrain.engine.train.Augment;
import org.twintrain.sharing.arith.TwoPartyRunner;
import org.twintrain.sharing.protocol.TruncationMode;
import org.twintrain.sharing.ring.FixedPoint;

/** The learning-rate schedule, the augmentation gather, and batch norm's refusal on two parties. */
class EnginePartsTest {

    @Test
    void paperScheduleDropsAt40kThenEvery20k() {
        StepSchedule s = StepSchedule.paper();
        assertEquals(0.1, s.rate(0));
        assertEquals(0.1, s.rate(39_999));
        assertEquals(0.01, s.rate(40_000), 1e-15);
        assertEquals(0.01, s.rate(59_999), 1e-15);
        assertEquals(0.001, s.rate(60_000), 1e-15);
        assertEquals(s, StepSchedule.parse("0.1@40000/20000*0.1"));
        assertEquals(0.05, StepSchedule.parse("0.05").rate(1_000_000));
        assertThrows(IllegalArgumentException.class, () -> StepSchedule.parse("fast"));
    }

    @Test
    void cropFlipMovesPixelsWithinThePaddedFrame() {
        Shape s = new Shape(2, 5, 5);
        int batch = 200;
        int pad = 2;
        int[] idx = Augment.cropFlipIndex(s, batch, pad, new SplittableRandom(3));
        int identity = 0;
        int mirrored = 0;
        for (int b = 0; b < batch; b++) {
            boolean isIdentity = true;
            boolean isMirror = true;
            int padded = 0;
            for (int c = 0; c < 2; c++) {
                for (int y = 0; y < 5; y++) {
                    for (int x = 0; x < 5; x++) {
                        int v = idx[b * s.size() + (c * 5 + y) * 5 + x];
                        if (v < 0) {
                            padded++;
                            isIdentity = false;
                            isMirror = false;
                            continue;
                        }
                        int local = v - b * s.size();
                        assertTrue(local >= 0 && local < s.size(), "reads only its own example");
                        assertEquals(c, local / 25, "stays in its channel");
                        int sy = (local % 25) / 5;
                        int sx = local % 5;
                        assertTrue(Math.abs(sy - y) <= pad, "vertical shift within the padding");
                        isIdentity &= sy == y && sx == x;
                        isMirror &= sy == y && sx == 4 - x;
                    }
                }
            }
            assertTrue(padded <= 2 * (5 * 5 - 3 * 3), "at most pad rows and columns of zeros");
            identity += isIdentity ? 1 : 0;
            mirrored += isMirror ? 1 : 0;
        }
        // shift (0, 0) has probability 1/25, times 1/2 for each flip: both must occur in 200 draws
        assertTrue(identity > 0 && mirrored > 0, identity + " identity, " + mirrored + " mirrored");
        assertArrayEquals(idx, Augment.cropFlipIndex(s, batch, pad, new SplittableRandom(3)), "seeded");
    }

    @Test
    void batchNormRefusesTwoParties() {
        TwoPartyRunner runner = new TwoPartyRunner(new FixedPoint(16), TruncationMode.WRAP_FREE,
                "bn".getBytes(StandardCharsets.UTF_8));
        TwoPartyRunner.TwoPartyException e = assertThrows(TwoPartyRunner.TwoPartyException.class, () -> runner.run(a -> {
            BatchNorm bn = new BatchNorm("bn0", a, Shape.flat(3));
            Context ctx = new Context(a, Approx.defaults()).at(true, 0, 0, 1);
            return bn.forward(ctx, a.zeros(2, 3));
        }));
        Throwable cause = e.getCause();
        assertTrue(cause instanceof IllegalStateException && cause.getMessage().contains("batchNorm=false"),
                String.valueOf(cause));
    }

    /** A constant channel (variance 0) at few fractional bits: epsilon must not round away to 1/sqrt(0). */
    @Test
    void batchNormOfAConstantChannelAtTwelveFractionalBits() {
        org.twintrain.sharing.arith.Arithmetic a = new org.twintrain.sharing.arith.FixedPointArithmetic(12);
        BatchNorm bn = new BatchNorm("bn0", a, Shape.flat(3));
        Context ctx = new Context(a, Approx.defaults()).at(true, 0, 0, 1);
        double[] out = a.reveal(bn.forward(ctx, a.constant(4, 3, 0.5)));
        for (double v : out) {
            assertEquals(0.0, v, 1e-2, "a constant input normalizes to 0");
        }
    }
}
