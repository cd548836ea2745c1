package org.twintrain.engine.layers;

import java.util.List;
import java.util.SplittableRandom;
import org.twintrain.engine.Context;
import org.twintrain.engine.Param;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;

/**
 * A vocabulary x dim table of vectors. Two inputs: one-hot rows (a matmul; works when the tokens are secret
 * shares) or public token ids (a gather; backward a scatterAdd), which is what the cleartext study uses and
 * gives the same result. Call {@link #forward} or {@link #forwardIds}, then {@link #backward}, once per use;
 * gradients of all uses add up.
 */
public final class Embedding {
    private final String name;
    private final int vocab;
    private final int dim;
    private final Param table;

    public Embedding(String name, Arithmetic a, SplittableRandom rng, int vocab, int dim) {
        this.name = name;
        this.vocab = vocab;
        this.dim = dim;
        this.table = new Param(name + ".table", Init.normal(a, rng, vocab, dim, 1.0 / Math.sqrt(dim)), true);
    }

    public int dim() {
        return dim;
    }

    /** One-hot rows (batch x vocab) to vectors (batch x dim). */
    public Matrix forward(Context ctx, Matrix oneHot) {
        ctx.scope(name + ".fwd");
        return ctx.arith().matmul(oneHot, table.value());
    }

    /** The adjoint of {@link #forward}: adds oneHot^T dy to the table's gradient. */
    public void backward(Context ctx, Matrix oneHot, Matrix dy) {
        ctx.scope(name + ".bwd");
        table.accumulate(ctx.arith(), ctx.arith().matmulTransposeA(oneHot, dy));
    }

    /** Public ids to vectors (ids.length x dim). */
    public Matrix forwardIds(Context ctx, int[] ids) {
        return ctx.arith().gather(table.value(), ids.length, dim, rowIndex(ids));
    }

    /** The adjoint of {@link #forwardIds}. */
    public void backwardIds(Context ctx, int[] ids, Matrix dy) {
        table.accumulate(ctx.arith(), ctx.arith().scatterAdd(dy, vocab, dim, rowIndex(ids)));
    }

    private int[] rowIndex(int[] ids) {
        int[] idx = new int[ids.length * dim];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw new IllegalArgumentException(name + ": token id " + ids[i] + " outside vocabulary of " + vocab);
            }
            for (int j = 0; j < dim; j++) {
                idx[i * dim + j] = ids[i] * dim + j;
            }
        }
        return idx;
    }

    public List<Param> params() {
        return List.of(table);
    }
}
