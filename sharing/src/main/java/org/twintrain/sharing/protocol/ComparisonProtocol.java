package org.twintrain.sharing.protocol;

import java.util.Locale;

/**
 * How the two-party backend compares ({@code ring.comparison}): {@code dcf} (the default: {@link MaskedCompare}, one
 * round, exact for differences within +-2^15 in real units, so f + 16 bits wide), {@code dcf:BITS} (the same with
 * an explicit width in ring bits: exact within +-2^(BITS-1) ring units) or {@code adder} ({@link LessThanZero}: a
 * 64-bit carry circuit from AND triples, exact over the whole ring, 7 rounds plus one for the B2A). The range
 * telemetry counts values beyond the range a run relies on.
 *
 * @param bits the DCF width in ring bits, {@link #AUTO} for f + 16, or 0 for the adder
 */
public record ComparisonProtocol(int bits) {
    /** The width follows the fractional bits: f + 16. */
    public static final int AUTO = -1;
    /** Bits of integer part (with the sign) that the default width covers: +-2^15 real. */
    public static final int DEFAULT_INTEGER_BITS = 16;
    /** The default: DCF over f + 16 bits. */
    public static final ComparisonProtocol DEFAULT = new ComparisonProtocol(AUTO);
    /** The 64-bit adder. */
    public static final ComparisonProtocol ADDER = new ComparisonProtocol(0);

    public ComparisonProtocol {
        if (bits != 0 && bits != AUTO && (bits < 8 || bits > 64)) {
            throw new IllegalArgumentException("ring.comparison: a DCF comparison covers 8 to 64 bits, not " + bits);
        }
    }

    /** From "dcf", "dcf:BITS" or "adder"; null or blank is the default. */
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
                // fall through to the message below
            }
        }
        throw new IllegalArgumentException("ring.comparison must be dcf, dcf:BITS (8..64) or adder, got '" + text + "'");
    }

    public boolean isDcf() {
        return bits != 0;
    }

    /** The DCF width in ring bits for f fractional bits. */
    public int width(int fractionalBits) {
        if (!isDcf()) {
            throw new IllegalStateException("the adder has no DCF width");
        }
        return bits > 0 ? bits : Math.min(64, fractionalBits + DEFAULT_INTEGER_BITS);
    }

    /** The largest magnitude (ring units) a compared difference may have, exclusive; Long.MAX_VALUE for the adder. */
    public long rangeRingUnits(int fractionalBits) {
        if (!isDcf()) {
            return Long.MAX_VALUE;
        }
        int w = width(fractionalBits);
        return w == 64 ? Long.MAX_VALUE : 1L << (w - 1);
    }

    /** The configuration text (parse gives this back). */
    public String configName() {
        return bits == 0 ? "adder" : bits == AUTO ? "dcf" : "dcf:" + bits;
    }
}
