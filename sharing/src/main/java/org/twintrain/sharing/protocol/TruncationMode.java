package org.twintrain.sharing.protocol;

import java.util.Locale;

/**
 * How fixed-point products are truncated on shares; chosen by configuration ({@code ring.truncation}). See
 * {@link Truncation}. Neither mode is exact truncation: both give floor(x / 2^f) or one more.
 */
public enum TruncationMode {
    /**
     * SecureML's local share truncation: no communication, but it fails (a result off by about 2^(64-f), i.e.
     * garbage) with probability about 2^(l_x+1-64) per value of bit length l_x. Only by explicit choice.
     */
    LOCAL("local"),
    /**
     * Wrap-free probabilistic truncation with a dealer pair (Escudero et al. 2020): one round, never fails for
     * |x| &lt; 2^62, off by at most 1 ulp. The default.
     */
    WRAP_FREE("wrap-free");

    private final String configName;

    TruncationMode(String configName) {
        this.configName = configName;
    }

    /** The value of {@code ring.truncation} that selects this mode. */
    public String configName() {
        return configName;
    }

    /**
     * The mode of a {@code ring.truncation} value: {@code wrap-free} or {@code local}; {@code exact} (the name
     * before wrap-free) and the enum names are accepted too.
     */
    public static TruncationMode parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        return switch (v) {
            case "wrap-free", "wrapfree", "exact" -> WRAP_FREE;
            case "local" -> LOCAL;
            default -> throw new IllegalArgumentException("ring.truncation must be wrap-free (the default: dealer "
                    + "truncation pairs, one round, no failure below 2^62) or local (SecureML's, no communication, "
                    + "fails with probability about 2^(l_x+1-64) per value), got '" + value + "'");
        };
    }
}
