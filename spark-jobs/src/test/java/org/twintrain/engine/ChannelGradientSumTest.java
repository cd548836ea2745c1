package org.twintrain.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.twintrain.engine.train.ChannelGradientSum;
import org.twintrain.sharing.arith.DoubleArithmetic;
import org.twintrain.sharing.arith.DoubleMatrix;
import org.twintrain.sharing.arith.FixedPointArithmetic;
import org.twintrain.sharing.channel.Channel;
import org.twintrain.sharing.channel.InMemoryChannel;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.ring.LongMatrix;

/** Three tasks summing their gradients through task 0: every task ends with the same sum, in doubles and in the ring. */
class ChannelGradientSumTest {
    private static final int TASKS = 3;

    /** channels[j] for task j: task 0 gets its ends to tasks 1 and 2, task j its end to task 0. */
    private static List<List<Channel>> star() {
        List<List<Channel>> ends = new ArrayList<>();
        List<Channel> zero = new ArrayList<>();
        ends.add(zero);
        for (int j = 1; j < TASKS; j++) {
            InMemoryChannel[] pair = InMemoryChannel.pair(10_000);
            zero.add(pair[0]);
            ends.add(List.of(pair[1]));
        }
        return ends;
    }

    @Test
    void doubleGradientsSumInTaskOrderToTheSameBitsEverywhere() throws Exception {
        List<List<Channel>> ends = star();
        double[][] grads = new double[TASKS][6];
        SplittableRandom r = new SplittableRandom(3);
        for (double[] g : grads) {
            for (int i = 0; i < g.length; i++) {
                g[i] = r.nextDouble() * 1e3;
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(TASKS);
        try {
            List<Future<double[]>> sums = new ArrayList<>();
            for (int j = 0; j < TASKS; j++) {
                int t = j;
                sums.add(pool.submit(() -> {
                    DoubleArithmetic a = new DoubleArithmetic();
                    Param w = new Param("w", new DoubleMatrix(2, 3), true);
                    Param frozen = new Param("buffer", new DoubleMatrix(1, 1), false);
                    w.accumulate(a, new DoubleMatrix(2, 3, grads[t].clone()));
                    new ChannelGradientSum(t, TASKS, ends.get(t)).sumGradients(a, List.of(frozen, w));
                    return ((DoubleMatrix) w.grad()).data();
                }));
            }
            double[] want = new double[6];
            for (int i = 0; i < 6; i++) {
                want[i] = (grads[0][i] + grads[1][i]) + grads[2][i];
            }
            for (Future<double[]> f : sums) {
                assertArrayEquals(want, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void ringGradientsSumModulo2To64() throws Exception {
        List<List<Channel>> ends = star();
        long[][] grads = {{Long.MAX_VALUE, 5}, {1, -7}, {Long.MIN_VALUE, 2}};
        ExecutorService pool = Executors.newFixedThreadPool(TASKS);
        try {
            List<Future<long[]>> sums = new ArrayList<>();
            for (int j = 0; j < TASKS; j++) {
                int t = j;
                sums.add(pool.submit(() -> {
                    FixedPointArithmetic a = new FixedPointArithmetic(new FixedPoint(16));
                    Param w = new Param("w", new LongMatrix(1, 2), true);
                    w.accumulate(a, new LongMatrix(1, 2, grads[t].clone()));
                    new ChannelGradientSum(t, TASKS, ends.get(t)).sumGradients(a, List.of(w));
                    return ((LongMatrix) w.grad()).data();
                }));
            }
            for (Future<long[]> f : sums) {
                assertArrayEquals(new long[] {Long.MAX_VALUE + 1 + Long.MIN_VALUE, 0}, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void refusesAWrongNumberOfChannels() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ChannelGradientSum(0, 3, List.of(InMemoryChannel.pair()[0])));
        assertEquals("task 0 of 3 needs 2 channel(s), got 1", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ChannelGradientSum(3, 3, List.of()));
    }
}
