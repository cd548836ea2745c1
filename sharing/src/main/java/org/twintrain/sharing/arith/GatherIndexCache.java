package org.twintrain.sharing.arith;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Gather indices computed once per (kind, shape, batch size) and kept for the life of the JVM: those of the
 * default (gather-based) per-channel operations here, and the engine layers' (pooling windows, option-A
 * shortcuts, convolution bias broadcasts). A run uses a handful of batch sizes, and the indices are public
 * (they depend only on shapes).
 */
public final class GatherIndexCache {
    private static final Map<String, int[]> CACHE = new ConcurrentHashMap<>();

    private GatherIndexCache() {
    }

    /** The index cached under key, made by make(key) the first time. */
    public static int[] get(String key, Function<String, int[]> make) {
        return CACHE.computeIfAbsent(key, make);
    }

    /** Entry (b, c, p) of a batch x (channels * pixels) matrix reads entry c of a 1 x channels row. */
    public static int[] channelBroadcast(int rows, int cols, int channels) {
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
