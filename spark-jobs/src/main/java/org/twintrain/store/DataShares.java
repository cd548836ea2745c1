package org.twintrain.store;

import org.twintrain.sharing.ring.LongMatrix;
import org.twintrain.sharing.ring.Prg;

/**
 * The derivation shared by the share job and the readers: server 0's share of partition p is the PRG stream
 * of seed p, labelled "features" and "labels", consumed row by row; server 1's share is the encoded value
 * minus it. Both halves of one partition therefore line up by position within the partition.
 */
public final class DataShares {
    public static final String FEATURES = "features";
    public static final String LABELS = "labels";

    private DataShares() {
    }

    /** A partition's half: features (rows x features) and one-hot labels (rows x classes). */
    public record Half(LongMatrix features, LongMatrix labels) {
    }

    /** Server 0's half of one partition, expanded from its seed. */
    public static Half expand(byte[] seed, int rows, int features, int classes) {
        return new Half(new LongMatrix(rows, features, new Prg(seed, FEATURES).nextLongs(rows * features)),
                new LongMatrix(rows, classes, new Prg(seed, LABELS).nextLongs(rows * classes)));
    }
}
