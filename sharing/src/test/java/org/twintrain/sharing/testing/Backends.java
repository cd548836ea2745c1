package org.twintrain.sharing.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.DoubleArithmetic;
import org.twintrain.sharing.arith.FixedPointArithmetic;
import org.twintrain.sharing.protocol.TruncationMode;

/**
 * The backends a test body runs on, as JUnit 5 method sources, and the comparisons against a double reference.
 *
 * <pre>{@code
 * @ParameterizedTest
 * @MethodSource("org.twintrain.sharing.testing.Backends#all")
 * void squareOfSum(BackendCase backend) {
 *     double[] x = Backends.randomValues(new Random(1), 12, 8.0);
 *     double[] got = backend.run(arith -> {
 *         Matrix m = arith.fromPublic(3, 4, x);
 *         return arith.reveal(arith.square(arith.add(m, m)));
 *     });
 *     Backends.assertClose(backend, expected, got, 1.0);   // within 1 ulp of the backend
 * }
 * }</pre>
 *
 * <p>Sources: {@link #all} (every backend, including two parties once they exist; bodies must not use
 * applyCleartext), {@link #cleartext} (double and fixed point, bodies may use applyCleartext), {@link #fixed}
 * (fixed point only). From another module: depend on {@code twintrain-sharing} with {@code <type>test-jar</type>}
 * and {@code <scope>test</scope>}, and name the source by its full class name as above.
 *
 * <h2>Adding the two-party case</h2>
 * Implement {@link BackendCase} whose {@link BackendCase#run run(body)} makes an {@code InMemoryChannel.pair()}
 * and a dealer {@code TripleSource} for each party, builds one {@code TwoPartyArithmetic} per party over its end
 * of the channel, runs {@code body} on two threads (one per party; both make the same calls in the same order,
 * which is what a body written against {@code Arithmetic} does), asserts that the two revealed arrays are equal
 * and returns one of them. {@code isCleartext()} is false. Then return it from {@link #twoParty()}, the one
 * marked place below: every test that uses {@link #all} runs on it with no other change.
 */
public final class Backends {

    /**
     * Fractional bits of the grid {@link #randomValues} draws from: the smallest f of any case, so that the
     * inputs are exactly representable on every backend and only the operations under test add error.
     */
    public static final int GRID_BITS = 13;

    private Backends() {
    }

    /** Every backend. */
    public static Stream<BackendCase> all() {
        return Stream.concat(cleartext(), twoParty());
    }

    /** Double precision and fixed point with f = 16 (default) and f = 13 (SecureML's). */
    public static Stream<BackendCase> cleartext() {
        return Stream.concat(Stream.of(BackendCase.local("double", DoubleArithmetic::new)), fixed());
    }

    /** The fixed-point cleartext twin with f = 16 and f = 13. */
    public static Stream<BackendCase> fixed() {
        return Stream.of(
                BackendCase.local("fixed f=16", () -> new FixedPointArithmetic(16)),
                BackendCase.local("fixed f=13", () -> new FixedPointArithmetic(13)));
    }

    // ==== TWO-PARTY CASE GOES HERE (see the class comment): return Stream.of(new TwoPartyCase(...)). ====
    /**
     * Two parties with wrap-free truncation at f = 16 and SecureML's local truncation at f = 13 over the in-memory
     * channel, and once more (f = 16, local truncation) over mutual TLS on loopback.
     */
    public static Stream<BackendCase> twoParty() {
        return Stream.of(new TwoPartyCase(16, TruncationMode.WRAP_FREE), new TwoPartyCase(13, TruncationMode.LOCAL),
                new TwoPartyCase(16, TruncationMode.LOCAL, "over TLS", LoopbackTls::pair));
    }

    /**
     * The body run in double precision: the reference for a body whose expected values are easiest to state as
     * "what the same code gives on doubles" (approximations, training steps).
     */
    public static double[] reference(Function<Arithmetic, double[]> body) {
        return body.apply(new DoubleArithmetic());
    }

    // ---- inputs ------------------------------------------------------------------------------------------

    /**
     * n random values in [-maxMagnitude, maxMagnitude] on the 2^-{@link #GRID_BITS} grid, with every fifth
     * entry exactly 0 and about half the others negative.
     */
    public static double[] randomValues(Random random, int n, double maxMagnitude) {
        long limit = (long) Math.floor(Math.scalb(maxMagnitude, GRID_BITS));
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = i % 5 == 0 ? 0.0 : Math.scalb((double) random.nextLong(-limit, limit + 1), -GRID_BITS);
        }
        return out;
    }

    // ---- comparisons -------------------------------------------------------------------------------------

    /** Asserts every entry is within {@link BackendCase#tolerance backend.tolerance(ulps, expected)}. */
    public static void assertClose(BackendCase backend, double[] expected, double[] actual, double ulps) {
        assertEquals(expected.length, actual.length, () -> backend + ": result length");
        for (int i = 0; i < expected.length; i++) {
            double tol = backend.tolerance(ulps, expected[i]);
            int at = i;
            if (!(Math.abs(actual[i] - expected[i]) <= tol)) {
                assertEquals(expected[i], actual[i], tol, () -> backend + ": entry " + at + " off by more than "
                        + ulps + " ulp");
            }
        }
    }

    /** Asserts every entry is within an absolute tolerance (for approximations whose error is not in ulps). */
    public static void assertClose(BackendCase backend, double[] expected, double[] actual, double absolute,
            String what) {
        assertEquals(expected.length, actual.length, () -> backend + ": " + what + ": result length");
        for (int i = 0; i < expected.length; i++) {
            int at = i;
            if (!(Math.abs(actual[i] - expected[i]) <= absolute)) {
                assertEquals(expected[i], actual[i], absolute, () -> backend + ": " + what + ": entry " + at);
            }
        }
    }
}
