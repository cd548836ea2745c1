package org.twintrain.sharing.protocol;

import java.util.Locale;

/**
 * How the two-party backend compares ({@code ring.comparison}): {@code dcf:BITS} ({@link MaskedCompare}, one round,
 * exact for differences within +-2^(BITS-1) ring units; the default is dcf:32, +-32,768 at f = 16) or {@code
 * adder} ({@link LessThanZero}: a 64-bit carry circuit from AND triples, exact over the whole ring, 7 rounds plus
 * one for the B2A). The range telemetry counts values beyond the range a run relies on.
 *
 * @param bits the DCF comparison width, or 0 for the adder
 */
public record ComparisonProtocol(int bits) {
    /** The default: DCF over 32 bits. */
    public static final ComparisonProtocol DEFAULT = new ComparisonProtocol(32);
    /** The 64-bit adder. */
    public static final ComparisonProtocol ADDER = new ComparisonProtocol(0);

    public ComparisonProtocol {
        if (bits != 0 && (bits < 8 || bits > 64)) {
            throw new IllegalArgumentException("ring.comparison: a DCF comparison covers 8 to 64 bits, not " + bits);
        }
    }

    /** From "dcf:BITS", "dcf" (32 bits) or "adder"; null or blank is the default. */
    public static ComparisonProtocol parse(String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT;
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("adder")) {
            return ADDER;
        }
        if (t.equals("dcf")) {
            return DEFAULT;
        }
        if (t.startsWith("dcf:")) {
            try {
                return new ComparisonProtocol(Integer.parseInt(t.substring(4).trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("ring.comparison must be dcf:BITS (8..64) or adder, got '" + text + "'");
            }
        }
        throw new IllegalArgumentException("ring.comparison must be dcf:BITS (8..64) or adder, got '" + text + "'");
    }

    public boolean isDcf() {
        return bits > 0;
    }

    /** The largest magnitude (ring units) a compared difference may have, exclusive; Long.MAX_VALUE for the adder. */
    public long rangeRingUnits() {
        return bits == 0 || bits == 64 ? Long.MAX_VALUE : 1L << (bits - 1);
    }

    /** The configuration text (parse gives this back). */
    public String configName() {
        return bits == 0 ? "adder" : "dcf:" + bits;
    }
}
