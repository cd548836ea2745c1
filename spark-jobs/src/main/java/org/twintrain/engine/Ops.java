package org.twintrain.engine;

import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;

/** Small compositions of backend operations that several layers share. */
public final class Ops {
    private Ops() {
    }

    /** x^T y. */
    public static Matrix matmulTA(Arithmetic a, Matrix x, Matrix y) {
        return a.matmulTransposeA(x, y);
    }

    /** x y^T. */
    public static Matrix matmulTB(Arithmetic a, Matrix x, Matrix y) {
        return a.matmulTransposeB(x, y);
    }

    /** A gather index for a whole batch from one example's index (per-example offsets added, -1 kept). */
    public static int[] batchIndex(int[] perExample, int inSize, int batch) {
        int n = perExample.length;
        int[] out = new int[n * batch];
        for (int b = 0; b < batch; b++) {
            int off = b * inSize;
            for (int i = 0; i < n; i++) {
                int v = perExample[i];
                out[b * n + i] = v < 0 ? -1 : v + off;
            }
        }
        return out;
    }

    /** Index that broadcasts a 1 x C row over a batch of C x H x W examples: entry (b, c, p) reads c. */
    public static int[] channelBroadcast(Shape s, int batch) {
        int hw = s.height() * s.width();
        int[] idx = new int[batch * s.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = (i % s.size()) / hw;
        }
        return idx;
    }

    /** Sum per channel over batch and space: batch x (C*H*W) becomes 1 x C. */
    public static Matrix sumPerChannel(Arithmetic a, Matrix x, Shape s) {
        int batch = x.rows();
        int hw = s.height() * s.width();
        Matrix perRowChannel = hw == 1 ? x : a.reshape(a.sumCols(a.reshape(x, batch * s.channels(), hw)), batch, s.channels());
        return a.sumRows(perRowChannel);
    }
}
