package org.twintrain.sharing.arith;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.twintrain.sharing.protocol.TruncationMode;
import org.twintrain.sharing.ring.FixedPoint;

/**
 * Rounds and bytes of the two-party operations, measured on the channel and checked against the analytical
 * counts (n a multiple of 64, bytes sent by one party; the other sends the same). Prints the table.
 */
class TwoPartyCostTest {
    private static final byte[] SEED = "cost test".getBytes(StandardCharsets.UTF_8);
    private static final int N = 4096;
    /** AND gates per element of the less-than-zero circuit: 63 generate bits and the carry tree. */
    private static final int LTZ_GATES = 63 + 61 + 31 + 15 + 7 + 3 + 1;

    private record Cost(long rounds, long bytes) {
    }

    /** Runs op on fresh inputs (not timed or counted) and returns the op's own rounds and bytes. */
    private static Cost measure(TruncationMode mode, Function<Arithmetic, Runnable> setup) {
        return measure(mode, org.twintrain.sharing.protocol.ComparisonProtocol.ADDER, setup);
    }

    private static Cost measure(TruncationMode mode, org.twintrain.sharing.protocol.ComparisonProtocol comparison,
            Function<Arithmetic, Runnable> setup) {
        TwoPartyRunner.Result<long[]> r = new TwoPartyRunner(new FixedPoint(16), mode, comparison, SEED).run(a -> {
            Runnable op = setup.apply(a);
            var stats = a.context().channel().stats();
            long rounds = stats.rounds(), bytes = stats.bytesSent();
            op.run();
            return new long[] {stats.rounds() - rounds, stats.bytesSent() - bytes};
        });
        assertEquals(r.party0()[0], r.party1()[0], "both parties count the same rounds");
        assertEquals(r.party0()[1], r.party1()[1], "both parties send the same bytes");
        return new Cost(r.party0()[0], r.party0()[1]);
    }

    private static Matrix input(Arithmetic a, int rows, int cols) {
        double[] v = new double[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = ((i * 37) % 201 - 100) / 8.0;
        }
        // A product first, so that the operand is a random-looking sharing as it would be mid-network.
        Matrix x = a.fromPublic(rows, cols, v);
        return a.mul(x, a.constant(rows, cols, 1.0));
    }

    private static void row(String what, TruncationMode mode, Cost c, double perElementOf) {
        System.out.printf("%-34s %-5s rounds %2d  bytes %9d  bytes/element %8.3f%n", what, mode, c.rounds(), c.bytes(),
                c.bytes() / perElementOf);
    }

    @Test
    void elementwiseProductsAndComparisons() {
        for (TruncationMode mode : TruncationMode.values()) {
            int truncRounds = mode == TruncationMode.WRAP_FREE ? 1 : 0;
            long truncBytes = mode == TruncationMode.WRAP_FREE ? 8L : 0L;

            Cost mul = measure(mode, a -> {
                Matrix x = input(a, 64, N / 64), y = input(a, 64, N / 64);
                return () -> a.mul(x, y);
            });
            row("mul (" + N + " elements)", mode, mul, N);
            assertEquals(new Cost(1 + truncRounds, (16 + truncBytes) * N), mul);

            Cost square = measure(mode, a -> {
                Matrix x = input(a, 64, N / 64);
                return () -> a.square(x);
            });
            row("square", mode, square, N);
            assertEquals(new Cost(1 + truncRounds, (8 + truncBytes) * N), square);

            Cost ltz = measure(mode, a -> {
                Matrix x = input(a, 64, N / 64);
                return () -> a.lessThanZero(x);
            });
            row("lessThanZero", mode, ltz, N);
            // 7 AND rounds opening two bits per gate, then B2A opening one bit per element.
            assertEquals(new Cost(8, (2L * LTZ_GATES + 1) * N / 8), ltz);

            Cost relu = measure(mode, a -> {
                Matrix x = input(a, 64, N / 64);
                return () -> a.reluWithDerivative(x);
            });
            row("reluWithDerivative", mode, relu, N);
            // The B2A and the product by the bit share the last round.
            assertEquals(new Cost(8, (2L * LTZ_GATES + 1) * N / 8 + 16L * N), relu);

            Cost max = measure(mode, a -> {
                Matrix x = input(a, 64, N / 64), y = input(a, 64, N / 64);
                return () -> a.max(x, y);
            });
            row("max", mode, max, N);
            assertEquals(relu, max);
        }
    }

    @Test
    void dcfComparisonsTakeOneRoundAndOneOpenedWordPerElement() {
        var dcf = org.twintrain.sharing.protocol.ComparisonProtocol.DEFAULT;
        Cost expected = new Cost(1, 8L * N);
        Cost ltz = measure(TruncationMode.WRAP_FREE, dcf, a -> {
            Matrix x = input(a, 64, N / 64);
            return () -> a.lessThanZero(x);
        });
        row("lessThanZero (dcf:32)", TruncationMode.WRAP_FREE, ltz, N);
        assertEquals(expected, ltz);
        Cost relu = measure(TruncationMode.WRAP_FREE, dcf, a -> {
            Matrix x = input(a, 64, N / 64);
            return () -> a.reluWithDerivative(x);
        });
        row("reluWithDerivative (dcf:32)", TruncationMode.WRAP_FREE, relu, N);
        assertEquals(expected, relu, "the product by the bit comes with the comparison's opening");
        Cost max = measure(TruncationMode.WRAP_FREE, dcf, a -> {
            Matrix x = input(a, 64, N / 64), y = input(a, 64, N / 64);
            return () -> a.maxWithBit(x, y);
        });
        assertEquals(expected, max);
        Cost mulBit = measure(TruncationMode.WRAP_FREE, dcf, a -> {
            Matrix x = input(a, 64, N / 64), y = input(a, 64, N / 64);
            Matrix bit = a.lessThanZero(x);
            return () -> a.mulBit(bit, y);
        });
        assertEquals(new Cost(1, 16L * N), mulBit, "a product by a comparison bit is exact: no truncation round");
        // auto: the DCF up to its element limit, the adder above it.
        var auto = new org.twintrain.sharing.protocol.ComparisonProtocol(
                org.twintrain.sharing.protocol.ComparisonProtocol.AUTO_WIDTH, N / 2);
        Cost small = measure(TruncationMode.WRAP_FREE, auto, a -> {
            Matrix x = input(a, 32, N / 64);
            return () -> a.reluWithDerivative(x);
        });
        assertEquals(new Cost(1, 8L * N / 2), small);
        Cost large = measure(TruncationMode.WRAP_FREE, auto, a -> {
            Matrix x = input(a, 64, N / 64);
            return () -> a.reluWithDerivative(x);
        });
        // auto's adder runs at the DCF's width (f + 16 = 32 bits): 86 AND gates per element instead of 181, 6 rounds.
        assertEquals(new Cost(org.twintrain.sharing.protocol.LessThanZero.rounds(32) + 1, (2L * 86 + 1) * N / 8 + 16L * N),
                large);
    }

    @Test
    void matrixProduct() {
        int m = 128, k = 784, n = 128;
        for (TruncationMode mode : TruncationMode.values()) {
            Cost c = measure(mode, a -> {
                Matrix x = input(a, m, k), y = input(a, k, n);
                return () -> a.matmul(x, y);
            });
            row("matmul " + m + "x" + k + "x" + n + " (per output)", mode, c, (double) m * n);
            long trunc = mode == TruncationMode.WRAP_FREE ? 8L * m * n : 0L;
            assertEquals(new Cost(mode == TruncationMode.WRAP_FREE ? 2 : 1, 8L * (m * k + k * n) + trunc), c);
        }
    }
}
