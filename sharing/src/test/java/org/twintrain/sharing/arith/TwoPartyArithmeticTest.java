package org.twintrain.sharing.arith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.twintrain.sharing.protocol.TruncationMode;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.ring.LongMatrix;
import org.twintrain.sharing.triples.TripleReuseException;

/**
 * Every operation of {@link TwoPartyArithmetic} on random sharings reconstructs to the cleartext twin's result
 * ({@link FixedPointArithmetic} on the same encodings): exactly for linear operations, comparisons, select, ReLU
 * and max; the twin's value or one ulp more after a truncation. Inputs reach the range limits of each group.
 */
class TwoPartyArithmeticTest {
    private static final byte[] SEED = "two-party arithmetic test".getBytes(StandardCharsets.UTF_8);
    private static final int F = 16;
    private static final FixedPoint FP = new FixedPoint(F);
    private static final int R = 6;
    private static final int C = 10;

    /** An operation on encodings (twin) or on this party's shares (two parties). */
    private record Op(String name, boolean truncated, BiFunction<Arithmetic, LongMatrix[], Matrix> f) {
    }

    /** Random encodings with |raw| &lt; 2^bits (any ring element for 63), zero, +-1 ulp and the extremes first. */
    private static LongMatrix encodings(Random r, int rows, int cols, int bits) {
        long max = bits == 63 ? Long.MAX_VALUE : (1L << bits) - 1;
        long[] edges = {0, 1, -1, max, -max};
        long[] v = new long[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = i < edges.length ? edges[i] : bits == 63 ? r.nextLong() : r.nextLong(-max, max + 1);
        }
        return new LongMatrix(rows, cols, v);
    }

    private static LongMatrix[][] share(LongMatrix[] inputs, Random r) {
        LongMatrix[][] out = new LongMatrix[2][inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            long[] x0 = new long[inputs[i].size()], x1 = new long[x0.length];
            for (int j = 0; j < x0.length; j++) {
                x0[j] = r.nextLong();
                x1[j] = inputs[i].data()[j] - x0[j];
            }
            out[0][i] = new LongMatrix(inputs[i].rows(), inputs[i].cols(), x0);
            out[1][i] = new LongMatrix(inputs[i].rows(), inputs[i].cols(), x1);
        }
        return out;
    }

    /** Runs every op on the twin and on two parties and compares the raw encodings. */
    private static void check(TruncationMode mode, LongMatrix[] inputs, List<Op> ops) {
        check(mode, org.twintrain.sharing.protocol.ComparisonProtocol.DEFAULT, inputs, ops);
    }

    private static void check(TruncationMode mode, org.twintrain.sharing.protocol.ComparisonProtocol comparison,
            LongMatrix[] inputs, List<Op> ops) {
        FixedPointArithmetic twin = new FixedPointArithmetic(FP);
        LongMatrix[][] shares = share(inputs, new Random(99));
        TwoPartyRunner.Result<List<LongMatrix>> got = new TwoPartyRunner(FP, mode, comparison, SEED).run(a -> {
            List<LongMatrix> out = new ArrayList<>();
            for (Op op : ops) {
                out.add((LongMatrix) op.f().apply(a, shares[a.party()]));
            }
            return out;
        });
        for (int k = 0; k < ops.size(); k++) {
            Op op = ops.get(k);
            LongMatrix expected = (LongMatrix) op.f().apply(twin, inputs);
            LongMatrix actual = got.party0().get(k).add(got.party1().get(k));
            assertEquals(expected.shape(), actual.shape(), op.name() + " shape");
            for (int i = 0; i < expected.size(); i++) {
                long d = actual.data()[i] - expected.data()[i];
                if (op.truncated()) {
                    assertTrue(d == 0 || d == 1, mode + " " + op.name() + ": entry " + i + " off by " + d + " ulp");
                } else {
                    assertEquals(0, d, mode + " " + op.name() + ": entry " + i);
                }
            }
        }
    }

    private static List<Op> linearOps() {
        int[] index = {3, -1, 0, 59, 7, 7, 12, -1, 30, 1, 2, 58};
        return List.of(
                new Op("add", false, (a, x) -> a.add(x[0], x[1])),
                new Op("sub", false, (a, x) -> a.sub(x[0], x[1])),
                new Op("neg", false, (a, x) -> a.neg(x[0])),
                new Op("addPublic", false, (a, x) -> a.addPublic(x[0], -1234.5)),
                new Op("constant", false, (a, x) -> a.add(x[0], a.constant(R, C, 77.25))),
                new Op("scaleInteger", false, (a, x) -> a.scaleInteger(x[0], -3)),
                new Op("addRow", false, (a, x) -> a.addRow(x[0], a.sumRows(x[1]))),
                new Op("sumRows", false, (a, x) -> a.sumRows(x[0])),
                new Op("sumCols", false, (a, x) -> a.sumCols(x[1])),
                new Op("transpose", false, (a, x) -> a.transpose(x[0])),
                new Op("gather", false, (a, x) -> a.gather(x[0], 3, 4, index)),
                new Op("scatterAdd", false, (a, x) -> a.scatterAdd(a.gather(x[0], 3, 4, index), R, C, index)),
                new Op("concatColumns", false, (a, x) -> a.concatColumns(x[0], a.columns(x[1], 2, 5))));
    }

    @Test
    void linearOperationsAreExactOnTheWholeRing() {
        Random r = new Random(1);
        // Full-range ring elements: linear operations wrap the same way on shares and in cleartext.
        LongMatrix[] inputs = {encodings(r, R, C, 63), encodings(r, R, C, 63)};
        check(TruncationMode.WRAP_FREE, inputs, linearOps());
    }

    private static List<Op> productOps() {
        return List.of(
                new Op("mul", true, (a, x) -> a.mul(x[0], x[1])),
                new Op("square", true, (a, x) -> a.square(x[1])),
                new Op("mulBatch", true, (a, x) -> a.mulBatch(new Matrix[] {x[0], x[1]}, new Matrix[] {x[1], x[1]})[0]),
                new Op("scale", true, (a, x) -> a.scale(x[0], -3.25)),
                new Op("mulPublic", true, (a, x) -> a.mulPublic(x[0], new Random(5).doubles(R * C, -2, 2).toArray())),
                new Op("matmul", true, (a, x) -> a.matmul(x[2], x[3])),
                new Op("matmulTransposeA", true, (a, x) -> a.matmulTransposeA(x[3], a.transpose(x[2]))),
                new Op("matmulTransposeB", true, (a, x) -> a.matmulTransposeB(x[2], a.transpose(x[3]))),
                new Op("shiftDown 20 (TRUNC pairs of another shift)", true, (a, x) -> a.shiftDown(x[0], 20)),
                new Op("shiftDown 3", true, (a, x) -> a.shiftDown(x[1], 3)));
    }

    @Test
    void productsWithinOneUlpOfTheTwinUpToTheExactTruncationRange() {
        Random r = new Random(2);
        // |x|, |y| < 2^30 raw: products below 2^60, matmul sums of 4 terms below 2^62 (EXACT's limit).
        LongMatrix[] inputs = {encodings(r, R, C, 30), encodings(r, R, C, 30), encodings(r, 5, 4, 29),
            encodings(r, 4, 5, 30)};
        check(TruncationMode.WRAP_FREE, inputs, productOps());
    }

    @Test
    void productsWithLocalTruncationOnModerateValues() {
        Random r = new Random(3);
        // |x|, |y| < 2^20 raw (16 in value at f = 16): failure probability below 2^-23 per product.
        LongMatrix[] inputs = {encodings(r, R, C, 20), encodings(r, R, C, 20), encodings(r, 5, 4, 20),
            encodings(r, 4, 5, 20)};
        check(TruncationMode.LOCAL, inputs, productOps());
    }

    @Test
    void comparisonsSelectReluMaxAreExact() {
        Random r = new Random(4);
        // lessThanZero on the whole ring. select, relu and max multiply by 1.0 in the twin, so their inputs stay
        // in the documented product range |1.0 * x| < 2^(63-2f), i.e. |raw| < 2^(63-f): 2^46 here.
        LongMatrix[] inputs = {encodings(r, R, C, 63), encodings(r, R, C, 46), encodings(r, R, C, 46)};
        List<Op> ops = List.of(
                new Op("lessThanZero", false, (a, x) -> a.lessThanZero(x[0])),
                new Op("lessThanZero small", false, (a, x) -> a.lessThanZero(x[1])),
                new Op("select", false, (a, x) -> a.select(a.lessThanZero(x[1]), x[1], x[2])),
                new Op("relu", false, (a, x) -> a.relu(x[1])),
                new Op("relu'", false, (a, x) -> a.reluWithDerivative(x[1])[1]),
                new Op("max", false, (a, x) -> a.max(x[1], x[2])),
                new Op("max bit", false, (a, x) -> a.maxWithBit(x[1], x[2])[1]),
                new Op("atLeastWithProducts bits", false,
                        (a, x) -> a.atLeastWithProducts(x[1], new double[] {-3, 0, 2.5})[0]),
                new Op("atLeastWithProducts products", false,
                        (a, x) -> a.atLeastWithProducts(x[1], new double[] {-3, 0, 2.5})[1]),
                new Op("mulBit by relu'", false, (a, x) -> a.mulBit(a.reluWithDerivative(x[1])[1], x[2])),
                new Op("mulBit by concatenated bits", false, (a, x) -> {
                    Matrix bits = a.lessThanZero(x[1]);
                    return a.mulBit(a.concatColumns(bits, bits), a.concatColumns(x[2], x[1]));
                }));
        for (TruncationMode mode : TruncationMode.values()) {
            check(mode, org.twintrain.sharing.protocol.ComparisonProtocol.ADDER, inputs, ops);
        }
        // The DCF comparison is exact within its range: +-2^31 ring units at dcf:32, so differences of values
        // below 2^30 (the ends included by encodings' edges).
        LongMatrix[] inRange = {encodings(r, R, C, 30), encodings(r, R, C, 30), encodings(r, R, C, 30)};
        List<Op> dcfOps = ops.stream().filter(op -> !op.name().equals("lessThanZero")).toList();
        for (TruncationMode mode : TruncationMode.values()) {
            check(mode, org.twintrain.sharing.protocol.ComparisonProtocol.DEFAULT, inRange, dcfOps);
        }
    }

    @Test
    void mulBitRefusesAMatrixThatIsNotAComparisonResult() {
        Random r = new Random(5);
        LongMatrix x = encodings(r, R, C, 20);
        var e = org.junit.jupiter.api.Assertions.assertThrows(TwoPartyRunner.TwoPartyException.class,
                () -> new TwoPartyRunner(FP, TruncationMode.WRAP_FREE, SEED).run(a -> a.mulBit(a.addPublic(a
                        .lessThanZero(x), 0.0), x)));
        org.junit.jupiter.api.Assertions.assertTrue(e.getCause().getMessage().contains("not a comparison result"),
                e.getCause().getMessage());
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"in memory", "over TLS"})
    void autoComparesConvolutionSizedCallsWithTheAdderAtTheDcfsWidth(String transport) {
        // 70,000 elements: above auto's DCF limit, so the adder, at f + 16 = 32 bits: the DCF's range +-2^15.
        Random r = new Random(6);
        int n = 70_000;
        LongMatrix x = encodings(r, 1, n, F + 14), y = encodings(r, 1, n, F + 14); // |x - y| < 2^31
        FixedPointArithmetic twin = new FixedPointArithmetic(FP);
        double[] relu = twin.reveal(twin.relu(x)), max = twin.reveal(twin.max(x, y));
        LongMatrix[][] s = share(new LongMatrix[] {x, y}, r);
        java.util.function.Function<TwoPartyArithmetic, long[][]> body = a -> {
            var stats = a.context().channel().stats();
            a.beginScope(0, 0, "relu");
            double[] gotRelu = a.reveal(a.reluWithDerivative(s[a.party()][0])[0]);
            long reluRounds = stats.rounds() - 1; // without the reveal
            double[] gotMax = a.reveal(a.max(s[a.party()][0], s[a.party()][1]));
            long maxRounds = stats.rounds() - reluRounds - 2;
            long[] mismatches = {0, 0};
            for (int i = 0; i < n; i++) {
                mismatches[0] += gotRelu[i] == relu[i] ? 0 : 1;
                mismatches[1] += gotMax[i] == max[i] ? 0 : 1;
            }
            return new long[][] {mismatches, {reluRounds, maxRounds}};
        };
        TwoPartyRunner runner = new TwoPartyRunner(FP, TruncationMode.WRAP_FREE, SEED);
        TwoPartyRunner.Result<long[][]> got = transport.equals("over TLS")
                ? runner.run(body, org.twintrain.sharing.testing.LoopbackTls.pair()) : runner.run(body);
        assertEquals(0, got.party0()[0][0], "relu entries off the twin's");
        assertEquals(0, got.party0()[0][1], "max entries off the twin's");
        int rounds = org.twintrain.sharing.protocol.LessThanZero.rounds(F + 16) + 1;
        assertEquals(7, rounds);
        assertEquals(rounds, got.party0()[1][0], "relu: the 32-bit sign circuit and one B2A-with-product round");
        assertEquals(rounds, got.party0()[1][1], "max: the same");
    }

    @Test
    void revealOpensToBothParties() {
        double[] values = {0, -1.5, 3.25, -FP.maxMagnitude() + 1, FP.maxMagnitude() - 1};
        TwoPartyRunner.Result<double[]> got = new TwoPartyRunner(FP, TruncationMode.WRAP_FREE, SEED)
                .run(a -> a.reveal(a.fromPublic(1, values.length, values)));
        assertEquals(java.util.Arrays.toString(values), java.util.Arrays.toString(got.party0()));
        assertEquals(java.util.Arrays.toString(values), java.util.Arrays.toString(got.party1()));
        assertEquals(1, got.stats0().rounds());
    }

    @Test
    void scopesNumberTheKeysAndAReusedKeyIsRefused() {
        TwoPartyRunner runner = new TwoPartyRunner(FP, TruncationMode.LOCAL, SEED);
        TwoPartyRunner.Result<List<String>> keys = runner.run(a -> {
            a.beginScope(2, 5, "dense1");
            Matrix x = a.constant(2, 2, 1.5);
            a.mul(x, x);
            a.matmul(x, x);
            return a.context().triples().consumed().stream().map(k -> k.id()).toList();
        });
        assertEquals(List.of("2/5/dense1/0/MUL/4", "2/5/dense1/1/MATMUL/2/2/2"), keys.party0());
        assertEquals(keys.party0(), keys.party1());
        // Re-entering the same scope in one run would draw the same key for another opening: refused.
        TwoPartyRunner.TwoPartyException e = assertThrows(TwoPartyRunner.TwoPartyException.class, () -> runner.run(a -> {
            Matrix x = a.constant(2, 2, 1.5);
            a.beginScope(0, 0, "layer");
            a.mul(x, x);
            a.beginScope(0, 0, "layer");
            return a.mul(x, x);
        }));
        assertTrue(e.getCause() instanceof TripleReuseException, "cause: " + e.getCause());
        assertTrue(e.getMessage().contains("0/0/layer/0/MUL/4"));
    }

    @Test
    void applyCleartextIsRefusedAndToStringShowsNoShares() {
        TwoPartyRunner.Result<String> got = new TwoPartyRunner(FP, TruncationMode.WRAP_FREE, SEED).run(a -> {
            Matrix x = a.constant(1, 3, 2.75);
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> a.applyCleartext(x, Math::exp));
            assertTrue(e.getMessage().contains("do not exist on shares"));
            return a + " " + x;
        });
        assertFalse(got.party0().contains(Long.toString(FP.encode(2.75))), got.party0());
        assertTrue(got.party0().contains("two-party") || got.party0().contains("TwoParty"));
    }

    @Test
    void runnerReportsTheFirstFailureAndDoesNotHang() {
        TwoPartyRunner runner = new TwoPartyRunner(FP, TruncationMode.WRAP_FREE, SEED, java.time.Duration.ofSeconds(20),
                java.time.Duration.ofSeconds(60));
        long start = System.nanoTime();
        TwoPartyRunner.TwoPartyException e = assertThrows(TwoPartyRunner.TwoPartyException.class, () -> runner.run(a -> {
            Matrix x = a.constant(2, 2, 1.0);
            if (a.party() == 1) {
                throw new IllegalStateException("party 1 broke on purpose");
            }
            return a.reveal(a.mul(x, x));
        }));
        assertTrue(e.getMessage().startsWith("party 1 failed"), e.getMessage());
        assertEquals("party 1 broke on purpose", e.getCause().getMessage());
        assertTrue(System.nanoTime() - start < 10_000_000_000L, "party 0 was released by the closed channel");
    }

    @Test
    void runnerTimesOutASilentParty() {
        TwoPartyRunner runner = new TwoPartyRunner(FP, TruncationMode.WRAP_FREE, SEED, java.time.Duration.ofSeconds(30),
                java.time.Duration.ofMillis(500));
        long start = System.nanoTime();
        TwoPartyRunner.TwoPartyException e = assertThrows(TwoPartyRunner.TwoPartyException.class, () -> runner.run(a -> {
            if (a.party() == 1) {
                try {
                    Thread.sleep(20_000);
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted");
                }
            }
            return a.reveal(a.constant(1, 1, 1.0));
        }));
        assertTrue(e.getMessage().contains("did not finish within"), e.getMessage());
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "the run timeout, not the channel's, ended it");
    }
}
