package org.twintrain.sharing.testing;

import java.util.function.Function;
import java.util.function.Supplier;
import org.twintrain.sharing.arith.Arithmetic;

/**
 * One backend a test body runs on. A body is a {@code Function<Arithmetic, double[]>}: it builds its inputs
 * with {@link Arithmetic#fromPublic}, computes, and returns what it {@link Arithmetic#reveal revealed}. Running
 * it through {@link #run} rather than on an {@link Arithmetic} directly lets a case run the body more than
 * once, for instance once per party on two threads.
 *
 * <p>{@link #toString()} is the case's name, which JUnit shows as the parameter.
 */
public interface BackendCase {

    /** "double", "fixed f=16", ...: the display name of the case. */
    String name();

    /** One unit in the last place of the backend's numbers (0 for double); see {@link Arithmetic#resolution()}. */
    double resolution();

    /** True when the body may use {@link Arithmetic#applyCleartext}. */
    boolean isCleartext();

    /**
     * Runs the body on fresh backend instances and returns the values it revealed. A case that runs several
     * parties checks that every party revealed the same values and returns them once.
     */
    double[] run(Function<Arithmetic, double[]> body);

    /**
     * The tolerance for a result expected to be {@code expected} after {@code ulps} units of this backend's
     * resolution of error: {@code ulps * resolution()}, plus a few ulps of the double reference itself (so that 0
     * ulps on the double backend means "equal up to the reference's own rounding").
     */
    default double tolerance(double ulps, double expected) {
        return ulps * resolution() + 4 * Math.ulp(expected);
    }

    /** A case that runs the body once on a fresh instance made by {@code factory}. */
    static BackendCase local(String name, Supplier<Arithmetic> factory) {
        return new LocalCase(name, factory);
    }

    /** See {@link #local}. */
    final class LocalCase implements BackendCase {
        private final String name;
        private final Supplier<Arithmetic> factory;
        private final double resolution;
        private final boolean cleartext;

        private LocalCase(String name, Supplier<Arithmetic> factory) {
            this.name = name;
            this.factory = factory;
            Arithmetic probe = factory.get();
            this.resolution = probe.resolution();
            this.cleartext = probe.isCleartext();
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public double resolution() {
            return resolution;
        }

        @Override
        public boolean isCleartext() {
            return cleartext;
        }

        @Override
        public double[] run(Function<Arithmetic, double[]> body) {
            return body.apply(factory.get());
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
