package org.twintrain.sharing.triples;

/**
 * Names one piece of correlated randomness. The same key always gives the same triple (a retried task finds
 * it again), and a key may be consumed once per run: two different openings with one triple would reveal
 * the difference of the masked values.
 *
 * @param epoch training epoch (or -1 outside training)
 * @param step  step within the run
 * @param layer the layer or scope name (never a secret)
 * @param op    index of the operation within the scope, counted by the backend
 * @param kind  what kind of randomness
 * @param shape dimensions, e.g. {m, k, n} for a matrix triple or {count} for elementwise ones
 */
public record TripleKey(long epoch, long step, String layer, int op, Kind kind, int[] shape) {

    /** The kinds of correlated randomness the protocols consume. */
    public enum Kind {
        /** Elementwise Beaver triple a, b, c = a*b over Z_2^64. */
        MUL,
        /** Square pair a, a^2. */
        SQUARE,
        /** Matrix triple U (m x k), V (k x n), Z = UV. */
        MATMUL,
        /** XOR-shared AND triples over 64-bit words. */
        AND,
        /** Truncation pair r, (r mod 2^63) >> f and r's top bit (wrap-free truncation; see Dealer). */
        TRUNC,
        /** Random bit shared both as XOR and as arithmetic (for B2A). */
        BIT,
        /**
         * SecureML's reused data mask: U (rows x cols) over a whole data matrix, opened once as X - U. Shape
         * {rows, cols}; row r of U depends only on (dealer seed, cols, r), so {@link #MASKED_MATMUL} can slice it.
         */
        DATA_MASK,
        /**
         * A matrix triple whose left mask is a slice of the {@link #DATA_MASK} U: shape {t, m, k, n, r_1..r_b}
         * with the data rows r_i; t = 0: left mask U_b (rows r_i of U, m = b), t = 1: its transpose U_b^T (k = b).
         * Parts V (k x n) uniform and Z = (left mask) V.
         */
        MASKED_MATMUL,
        /**
         * A masked comparison ({@link org.twintrain.sharing.protocol.MaskedCompare}), shape {count, bits}: a mask r
         * uniform in Z_2^64, its bit (bits - 1) h and the product h r (arithmetic shares), and a DCF key for "y &lt;
         * r mod 2^(bits-1)" with output ((1 - 2h), (1 - 2h) r): a root seed per server and public correction words.
         */
        COMPARE,
        /**
         * A convolution triple on the unexpanded input, shape {batch, channels, height, width, outChannels, k,
         * stride, pad}: A (batch x channels*height*width) and B (the kernel, patch x outChannels) uniform and
         * Z = im2col(A) B (product layout). The forward opens X - A (the input's own size, not its im2col's) and
         * W - B. A and B come from streams named by the key's epoch, step and {@link
         * org.twintrain.sharing.triples.Dealer#convTag tag}, so the gradient keys below can re-derive them.
         */
        CONV,
        /**
         * The kernel gradient's triple of a {@link #CONV} key, shape {tagHigh, tagLow, batch, geometry...} with the
         * forward key's tag: V (batch*outPixels x outChannels) uniform and Z = im2col(A)^T V, A the forward key's.
         * The kernel gradient reuses the forward's opening of X - A and opens only dY - V.
         */
        CONV_KGRAD,
        /**
         * The input gradient's correlation, shape {forward tagHigh, tagLow, kernel-gradient tagHigh, tagLow, batch,
         * geometry...}: Z = col2im(V B^T) with the kernel-gradient key's V and the forward key's B. The input
         * gradient opens nothing: dY - V and W - B are already open.
         */
        CONV_IGRAD
    }

    public TripleKey {
        shape = shape.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** A stable text form: used as PRG domain separation and in stores. */
    public String id() {
        StringBuilder sb = new StringBuilder();
        sb.append(epoch).append('/').append(step).append('/').append(layer).append('/').append(op).append('/')
                .append(kind);
        for (int d : shape) {
            sb.append('/').append(d);
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TripleKey k && k.id().equals(id());
    }

    @Override
    public int hashCode() {
        return id().hashCode();
    }

    @Override
    public String toString() {
        return "TripleKey[" + id() + "]";
    }
}
