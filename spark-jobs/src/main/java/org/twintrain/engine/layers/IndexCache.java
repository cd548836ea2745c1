package org.twintrain.engine.layers;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Gather indices computed once per (kind, geometry, batch size) and shared by every layer of that geometry
 * (pooling windows, option-A shortcuts, convolution bias broadcasts). Indices are public: they depend only on
 * shapes. Entries are kept for the life of the JVM: a run uses a handful of batch sizes (training, evaluation,
 * the last partial evaluation batch). The large im2col indices of the generic convolution live in {@link
 * org.twintrain.sharing.arith.ConvGeometry} (about 300 MB for ResNet-20 at batch 128 on the fixed-point and
 * two-party backends; the double backend needs none).
 */
final class IndexCache {
    private static final Map<String, int[]> CACHE = new ConcurrentHashMap<>();

    private IndexCache() {
    }

    static int[] get(String key, Supplier<int[]> make) {
        return CACHE.computeIfAbsent(key, k -> make.get());
    }
}
