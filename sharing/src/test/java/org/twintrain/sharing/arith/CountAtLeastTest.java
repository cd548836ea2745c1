package org.twintrain.sharing.arith;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.ring.LongMatrix;
import org.twintrain.sharing.testing.BackendCase;
import org.twintrain.sharing.testing.Backends;

/** {@link Arithmetic#countAtLeast} gives the same counts on every backend: double, fixed point, two parties. */
class CountAtLeastTest {

    @ParameterizedTest
    @MethodSource("org.twintrain.sharing.testing.Backends#all")
    void countsMagnitudesAtLeastTheBoundOnEveryBackend(BackendCase backend) {
        Random r = new Random(50);
        double[] x = Backends.randomValues(r, 300, 8.0);
        double[] y = Backends.randomValues(r, 40, 2.0);
        // the bounds themselves among the values: |v| = bound counts
        x[1] = 3.0;
        x[2] = -3.0;
        x[3] = 3.0 - Math.scalb(1.0, -Backends.GRID_BITS);
        y[1] = -0.5;
        double[] bounds = {3.0, 0.5, 7.5};
        double[] want = new double[3];
        for (double v : x) {
            want[0] += Math.abs(v) >= 3.0 ? 1 : 0;
            want[2] += Math.abs(v) >= 7.5 ? 1 : 0;
        }
        for (double v : y) {
            want[1] += Math.abs(v) >= 0.5 ? 1 : 0;
        }
        double[] got = backend.run(a -> {
            Matrix mx = a.fromPublic(20, 15, x), my = a.fromPublic(4, 10, y);
            long[] counts = a.countAtLeast(new Matrix[] {mx, my, mx}, bounds);
            return new double[] {counts[0], counts[1], counts[2]};
        });
        assertArrayEquals(want, got, backend.name());
        assertTrue(want[0] > 50 && want[1] > 10 && want[2] > 0, "the counts exercise the bounds");
    }

    @Test
    void fixedPointCountsWrappedEncodingsAsTheRingHoldsThem() {
        FixedPointArithmetic a = new FixedPointArithmetic(16);
        // 2^62 ring units and Long.MIN_VALUE (a wrapped value) are huge; -5 ulp is small
        LongMatrix m = new LongMatrix(1, 3, new long[] {1L << 62, Long.MIN_VALUE, -5});
        assertArrayEquals(new long[] {2}, a.countAtLeast(new Matrix[] {m}, new double[] {1000.0}));
        assertEquals(1L << 46, RingArithmetic.ringBound(Math.scalb(1.0, 30), 16));
        assertEquals(1, RingArithmetic.ringBound(1e-9, 16), "a tiny bound is one ulp");
        assertThrows(IllegalArgumentException.class, () -> RingArithmetic.ringBound(Math.scalb(1.0, 47), 16));
        assertThrows(IllegalArgumentException.class, () -> RingArithmetic.ringBound(0.0, 16));
        assertEquals(new FixedPoint(16).one(), RingArithmetic.ringBound(1.0, 16));
    }
}
