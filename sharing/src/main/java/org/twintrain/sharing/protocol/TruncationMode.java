package org.twintrain.sharing.protocol;

/** How fixed-point products are truncated on shares; chosen by configuration. See {@link Truncation}. */
public enum TruncationMode {
    /** SecureML's local share truncation: no communication, fails with probability about 2^(l_x+1-64). */
    LOCAL,
    /** With a dealer truncation pair: one round, never fails for |x| below 2^62, off by at most 1 ulp. */
    EXACT
}
