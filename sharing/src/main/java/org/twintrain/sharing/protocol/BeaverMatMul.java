package org.twintrain.sharing.protocol;

import org.twintrain.sharing.ring.LongMatrix;
import org.twintrain.sharing.triples.Correlation;
import org.twintrain.sharing.triples.TripleKey;

/**
 * Matrix product of shares X (m x k) and Y (k x n) with a matrix triple U (m x k), V (k x n), Z = UV. Both
 * masked matrices E = X - U and F = Y - V are opened in ONE exchange: one round and exactly
 * 8 * (m*k + k*n) bytes sent by each party. Then XY = (U + E)(V + F), and each party's share is
 * X_i F + E V_i + Z_i (two local ring products; the shares of XF + EV + UV sum to XY).
 *
 * <p>SecureML's reuse: when X is a data matrix used in many products (every epoch, or the forward and the
 * backward pass), its opening E = X - U may be made once ({@link #maskLeft}) and reused by {@link
 * #multiplyMasked} with a fresh V and Z = UV per product, so each later product opens only F (8*k*n bytes).
 * That needs correlations sharing one U across keys, which a dealer can make but {@link
 * org.twintrain.sharing.triples.Dealer} does not yet; the split below keeps the protocol ready for it.
 */
public final class BeaverMatMul {
    private BeaverMatMul() {
    }

    /** The opening E = X - U of a left operand, with this party's shares of X and of its mask U. */
    public record MaskedLeft(LongMatrix x, LongMatrix u, LongMatrix e) {
        @Override
        public String toString() {
            return "MaskedLeft[" + x.shape() + "]";
        }
    }

    /** X x Y over Z_2^64 (not truncated). */
    public static LongMatrix multiply(ProtocolContext ctx, LongMatrix x, LongMatrix y) {
        int m = x.rows(), k = x.cols(), n = y.cols();
        if (y.rows() != k) {
            throw new IllegalArgumentException("matmul shape mismatch: " + x.shape() + " x " + y.shape());
        }
        Correlation t = ctx.take(TripleKey.Kind.MATMUL, m, k, n);
        LongMatrix u = new LongMatrix(m, k, t.part(0));
        LongMatrix v = new LongMatrix(k, n, t.part(1));
        LongMatrix z = new LongMatrix(m, n, t.part(2));
        LongMatrix[] ef = Open.open(ctx, x.sub(u), y.sub(v));
        return combine(x, ef[0], ef[1], v, z);
    }

    /** Opens E = X - U for a left operand that later products will reuse (one round, 8*m*k bytes). */
    public static MaskedLeft maskLeft(ProtocolContext ctx, LongMatrix x, LongMatrix uShare) {
        x.requireSameShape(uShare);
        return new MaskedLeft(x, uShare, Open.open(ctx, x.sub(uShare))[0]);
    }

    /**
     * X x Y for an already opened left operand: opens only F = Y - V (one round, 8*k*n bytes). vShare and
     * zShare must come from a correlation whose U is the one left was masked with, and must not have been
     * used before.
     */
    public static LongMatrix multiplyMasked(ProtocolContext ctx, MaskedLeft left, LongMatrix y, LongMatrix vShare,
            LongMatrix zShare) {
        y.requireSameShape(vShare);
        LongMatrix f = Open.open(ctx, y.sub(vShare))[0];
        return combine(left.x(), left.e(), f, vShare, zShare);
    }

    /** This party's share of XY from the openings: X_i F + E V_i + Z_i. */
    static LongMatrix combine(LongMatrix xShare, LongMatrix e, LongMatrix f, LongMatrix vShare, LongMatrix zShare) {
        return xShare.matmul(f).add(e.matmul(vShare)).add(zShare);
    }
}
