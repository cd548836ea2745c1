package org.twintrain.sharing.arith;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Gather indices of the default (gather-based) convolution and per-channel operations, computed once per
 * (kind, shape, batch size) and kept for the life of the JVM: a run uses a handful of batch sizes, and the
 * indices are public (they depend only on shapes).
 */
final class GatherIndexCache {
    private static final Map<String, int[]> CACHE = new ConcurrentHashMap<>();

    private GatherIndexCache() {
    }

    static int[] get(String key, Function<String, int[]> make) {
        return CACHE.computeIfAbsent(key, make);
    }

    /** Entry (b, c, p) of a batch x (channels * pixels) matrix reads entry c of a 1 x channels row. */
    static int[] channelBroadcast(int rows, int cols, int channels) {
        return get("channel-bcast " + rows + "x" + cols + "/" + channels, key -> {
            int pixels = cols / channels;
            int[] idx = new int[rows * cols];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = (i % cols) / pixels;
            }
            return idx;
        });
    }
}
