package org.twintrain.sharing.protocol;

import java.util.Locale;

/**
 * How the two-party backend compares ({@code ring.comparison}). Two protocols, chosen per comparison call:
 * <ul>
 *   <li>DCF ({@link MaskedCompare}): one round and 8 bytes each way per element, but about 1 KB of stored key per
 *       element and server (f + 16 bits wide by default: exact for differences within +-2^15 real).</li>
 *   <li>adder ({@link LessThanZero}): a 64-bit carry circuit from AND triples, exact on the whole ring, 8 rounds and
 *       about 61 bytes each way per element, about 110 bytes of triples per element and server.</li>
 * </ul>
 * {@code auto} (the default, {@code auto:65536}) takes the DCF for a call of at most that many elements and the adder
 * above: the dense layers, the softmax and the division get one-round comparisons, while a convolution's millions of
 * ReLU and max-pool comparisons per step, whose DCF keys would take gigabytes per step, keep the compact triples.
 * Under {@code auto} the adder runs at the DCF's width (f + 16 bits: the same range, 6 rounds and about 30 bytes per
 * element instead of 7 and 61); under {@code adder} it covers the whole ring.
 * {@code dcf} and {@code dcf:BITS} take the DCF everywhere (BITS: explicit width in ring bits, exact within
 * +-2^(BITS-1) ring units), {@code adder} the adder everywhere.
 *
 * @param bits        the DCF width in ring bits, {@link #AUTO_WIDTH} for f + 16, or 0 for the adder only
 * @param dcfElements the largest call (elements compared) that takes the DCF; Integer.MAX_VALUE for always
 */
public record ComparisonProtocol(int bits, int dcfElements) {
    /** The DCF width follows the fractional bits: f + 16. */
    public static final int AUTO_WIDTH = -1;
    /** Bits of integer part (with the sign) that the default width covers: +-2^15 real. */
    public static final int DEFAULT_INTEGER_BITS = 16;
    /** The largest call that takes the DCF under {@code auto}. */
    public static final int DEFAULT_DCF_ELEMENTS = 65536;
    /** The default: DCF (f + 16 bits) for calls of at most 65,536 elements, the adder above. */
    public static final ComparisonProtocol DEFAULT = new ComparisonProtocol(AUTO_WIDTH, DEFAULT_DCF_ELEMENTS);
    /** DCF everywhere, f + 16 bits wide. */
    public static final ComparisonProtocol DCF = new ComparisonProtocol(AUTO_WIDTH, Integer.MAX_VALUE);
    /** The 64-bit adder everywhere. */
    public static final ComparisonProtocol ADDER = new ComparisonProtocol(0, 0);

    public ComparisonProtocol {
        if (bits != 0 && bits != AUTO_WIDTH && (bits < 8 || bits > 64)) {
            throw new IllegalArgumentException("ring.comparison: a DCF comparison covers 8 to 64 bits, not " + bits);
        }
        if (dcfElements < 0 || (bits == 0 && dcfElements != 0)) {
            throw new IllegalArgumentException("ring.comparison: the DCF element limit must be at least 0 (and 0 for the"
                    + " adder), got " + dcfElements);
        }
    }

    /** From "auto", "auto:N", "dcf", "dcf:BITS" or "adder"; null or blank is the default. */
    public static ComparisonProtocol parse(String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT;
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.equals("adder")) {
                return ADDER;
            }
            if (t.equals("dcf")) {
                return DCF;
            }
            if (t.equals("auto")) {
                return DEFAULT;
            }
            if (t.startsWith("dcf:")) {
                return new ComparisonProtocol(Integer.parseInt(t.substring(4).trim()), Integer.MAX_VALUE);
            }
            if (t.startsWith("auto:")) {
                return new ComparisonProtocol(AUTO_WIDTH, Integer.parseInt(t.substring(5).trim()));
            }
        } catch (NumberFormatException e) {
            // the message below says what is accepted
        }
        throw new IllegalArgumentException("ring.comparison must be auto, auto:ELEMENTS, dcf, dcf:BITS (8..64) or adder,"
                + " got '" + text + "'");
    }

    /** Whether any call may take the DCF. */
    public boolean isDcf() {
        return bits != 0 && dcfElements > 0;
    }

    /** Whether a call comparing this many elements takes the DCF. */
    public boolean usesDcf(long elements) {
        return isDcf() && elements <= dcfElements;
    }

    /** The DCF width in ring bits for f fractional bits. */
    public int width(int fractionalBits) {
        if (!isDcf()) {
            throw new IllegalStateException("the adder has no DCF width");
        }
        return bits > 0 ? bits : Math.min(64, fractionalBits + DEFAULT_INTEGER_BITS);
    }

    /**
     * The adder's width in ring bits: 64 (the whole ring) for {@code adder}, else the DCF's width, so that every
     * comparison of a run covers the same range.
     */
    public int adderWidth(int fractionalBits) {
        return isDcf() ? width(fractionalBits) : 64;
    }

    /** The largest magnitude (ring units) a DCF-compared difference may have, exclusive; Long.MAX_VALUE for the adder. */
    public long rangeRingUnits(int fractionalBits) {
        if (!isDcf()) {
            return Long.MAX_VALUE;
        }
        int w = width(fractionalBits);
        return w == 64 ? Long.MAX_VALUE : 1L << (w - 1);
    }

    /** The configuration text (parse gives this back). */
    public String configName() {
        if (bits == 0) {
            return "adder";
        }
        if (dcfElements == Integer.MAX_VALUE) {
            return bits == AUTO_WIDTH ? "dcf" : "dcf:" + bits;
        }
        return dcfElements == DEFAULT_DCF_ELEMENTS && bits == AUTO_WIDTH ? "auto" : "auto:" + dcfElements;
    }
}
