package org.twintrain.sharing.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.TwoPartyArithmetic;
import org.twintrain.sharing.arith.TwoPartyRunner;
import org.twintrain.sharing.protocol.TruncationMode;
import org.twintrain.sharing.ring.FixedPoint;

/**
 * The two-party backend as a test case: the body runs on two threads through {@link TwoPartyRunner}, one
 * {@link TwoPartyArithmetic} per party with an in-memory channel and a dealer triple source, and both parties
 * must reveal the same values. The dealer seed is fixed, so every run is reproducible.
 */
public final class TwoPartyCase implements BackendCase {
    private static final byte[] DEALER_SEED = "twintrain test dealer".getBytes(StandardCharsets.UTF_8);

    private final FixedPoint codec;
    private final TruncationMode mode;

    public TwoPartyCase(int fractionalBits, TruncationMode mode) {
        this.codec = new FixedPoint(fractionalBits);
        this.mode = mode;
    }

    @Override
    public String name() {
        return "two-party f=" + codec.fractionalBits() + " " + mode.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public double resolution() {
        return codec.ulp();
    }

    @Override
    public boolean isCleartext() {
        return false;
    }

    @Override
    public double[] run(Function<Arithmetic, double[]> body) {
        TwoPartyRunner.Result<double[]> r = new TwoPartyRunner(codec, mode, DEALER_SEED).run(body::apply);
        assertArrayEquals(r.party0(), r.party1(), () -> name() + ": the parties revealed different values");
        return r.party0();
    }

    @Override
    public String toString() {
        return name();
    }
}
