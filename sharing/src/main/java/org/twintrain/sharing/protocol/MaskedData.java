package org.twintrain.sharing.protocol;

import java.util.Arrays;
import org.twintrain.sharing.arith.TwoPartyArithmetic;
import org.twintrain.sharing.ring.LongMatrix;
import org.twintrain.sharing.triples.Correlation;
import org.twintrain.sharing.triples.TripleKey;

/**
 * SecureML's reuse of the data matrix's opening: the whole shared feature matrix X (N x F) is masked once with
 * the dealer's {@link TripleKey.Kind#DATA_MASK} U and E = X - U is opened once (8 N F bytes). A minibatch X_b (rows
 * r of X, {@link #batch}) then enters products with the cached rows E_b: X_b W opens only F = W - V, and the
 * backward X_b^T G only G - V', each with a fresh {@link TripleKey.Kind#MASKED_MATMUL} triple whose Z is U_b V
 * (or U_b^T V'). Each such product saves 8 b F bytes against a fresh triple. Reusing E is safe: it is one
 * opening of X under one uniform mask; only the masks of the other operand must be fresh, and they are.
 *
 * <p>As a {@link TwoPartyArithmetic.LeftOperandHook} it recognizes the batch it made last (the same object).
 */
public final class MaskedData implements TwoPartyArithmetic.LeftOperandHook {
    private final LongMatrix x;
    private final LongMatrix u;
    private final LongMatrix e;
    private final long maskId;
    private LongMatrix batch;
    private int[] batchRows;

    private MaskedData(LongMatrix x, LongMatrix u, LongMatrix e, long maskId) {
        this.x = x;
        this.u = u;
        this.e = e;
        this.maskId = maskId;
    }

    /** Takes the data mask of x's shape and opens X - U: one round, 8 N F bytes. Call in a scope of its own. */
    public static MaskedData open(ProtocolContext ctx, LongMatrix x) {
        Correlation t = ctx.take(TripleKey.Kind.DATA_MASK, x.rows(), x.cols());
        BeaverMatMul.MaskedLeft m = BeaverMatMul.maskLeft(ctx, x, new LongMatrix(x.rows(), x.cols(), t.part(0)));
        return new MaskedData(x, m.u(), m.e(), org.twintrain.sharing.triples.Dealer.maskId(t.key()));
    }

    /** This party's share of the given rows of X (local); products with it reuse the opening. */
    public LongMatrix batch(int[] rows) {
        batch = gather(x, rows);
        batchRows = rows.clone();
        return batch;
    }

    @Override
    public LongMatrix matmul(ProtocolContext ctx, LongMatrix a, LongMatrix b) {
        if (a != batch || batch == null) {
            return null;
        }
        int m = a.rows(), k = a.cols(), n = b.cols();
        requireRows(b, k, a, "matmul");
        Correlation t = ctx.take(TripleKey.Kind.MASKED_MATMUL, shape(0, m, k, n));
        BeaverMatMul.MaskedLeft left = new BeaverMatMul.MaskedLeft(a, gather(u, batchRows), gather(e, batchRows));
        return BeaverMatMul.multiplyMasked(ctx, left, b, new LongMatrix(k, n, t.part(0)), new LongMatrix(m, n, t.part(1)));
    }

    @Override
    public LongMatrix matmulTransposeA(ProtocolContext ctx, LongMatrix a, LongMatrix b) {
        if (a != batch || batch == null) {
            return null;
        }
        int m = a.cols(), k = a.rows(), n = b.cols();
        requireRows(b, k, a, "matmulTransposeA");
        Correlation t = ctx.take(TripleKey.Kind.MASKED_MATMUL, shape(1, m, k, n));
        BeaverMatMul.MaskedLeft left = new BeaverMatMul.MaskedLeft(a.transpose(), gather(u, batchRows).transpose(),
                gather(e, batchRows).transpose());
        return BeaverMatMul.multiplyMasked(ctx, left, b, new LongMatrix(k, n, t.part(0)), new LongMatrix(m, n, t.part(1)));
    }

    /** {t, m, k, n, the data mask's id, rows...}: the dealer slices the rows of this data mask, no other. */
    private int[] shape(int transposed, int m, int k, int n) {
        int at = org.twintrain.sharing.triples.Dealer.MASKED_ROWS;
        int[] id = org.twintrain.sharing.triples.Dealer.tagInts(maskId);
        int[] s = Arrays.copyOf(new int[] {transposed, m, k, n, id[0], id[1]}, at + batchRows.length);
        System.arraycopy(batchRows, 0, s, at, batchRows.length);
        return s;
    }

    private static void requireRows(LongMatrix b, int k, LongMatrix a, String op) {
        if (b.rows() != k) {
            throw new IllegalArgumentException(op + " shape mismatch: " + a.shape() + " and " + b.shape());
        }
    }

    private static LongMatrix gather(LongMatrix m, int[] rows) {
        int cols = m.cols();
        long[] out = new long[rows.length * cols];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(m.data(), rows[i] * cols, out, i * cols, cols);
        }
        return new LongMatrix(rows.length, cols, out);
    }

    @Override
    public String toString() {
        return "MaskedData[" + x.shape() + "]";
    }
}
