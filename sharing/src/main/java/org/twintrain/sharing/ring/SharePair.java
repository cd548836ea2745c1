package org.twintrain.sharing.ring;

/**
 * The two shares of one array, additive ({@link AdditiveSharing}) or XOR ({@link XorSharing}): share0 goes
 * to server 0, share1 to server 1. Never log either; {@link #toString()} prints only the length.
 */
public record SharePair(long[] share0, long[] share1) {
    public SharePair {
        if (share0.length != share1.length) {
            throw new IllegalArgumentException("share lengths differ: " + share0.length + " vs " + share1.length);
        }
    }

    public int length() {
        return share0.length;
    }

    @Override
    public String toString() {
        return "SharePair[" + share0.length + "]";
    }
}
