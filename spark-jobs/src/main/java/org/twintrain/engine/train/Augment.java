package org.twintrain.engine.train;

import java.util.SplittableRandom;
import org.twintrain.engine.Shape;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;

/**
 * CIFAR augmentation: a random crop of the image zero-padded by {@code pad} pixels on each side, and a
 * horizontal flip with probability 1/2, per example. Offsets and flips are public seeded randomness; the
 * transformation is one gather, so it is local on shares.
 */
public final class Augment {
    private Augment() {
    }

    /** The gather index of one batch's crops and flips. */
    public static int[] cropFlipIndex(Shape s, int batch, int pad, SplittableRandom rng) {
        int c = s.channels(), h = s.height(), w = s.width();
        int size = s.size();
        int[] idx = new int[batch * size];
        for (int b = 0; b < batch; b++) {
            int dy = rng.nextInt(2 * pad + 1) - pad;
            int dx = rng.nextInt(2 * pad + 1) - pad;
            boolean flip = rng.nextBoolean();
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    int sy = y + dy;
                    for (int x = 0; x < w; x++) {
                        int sx = (flip ? w - 1 - x : x) + dx;
                        boolean inside = sy >= 0 && sy < h && sx >= 0 && sx < w;
                        idx[b * size + (ch * h + y) * w + x] = inside ? b * size + (ch * h + sy) * w + sx : -1;
                    }
                }
            }
        }
        return idx;
    }

    public static Matrix cropFlip(Arithmetic a, Matrix batch, Shape s, int pad, SplittableRandom rng) {
        return a.gather(batch, batch.rows(), batch.cols(), cropFlipIndex(s, batch.rows(), pad, rng));
    }
}
