package org.twintrain.sharing.fss;

/**
 * Distributed comparison functions over n-bit inputs with outputs in Z_2^64 x Z_2^64 (Boyle et al., Eurocrypt
 * 2021, Fig. 1): {@link #generate} makes, for each of many (alpha, beta), two keys such that {@link #evaluate}
 * of key 0 plus key 1 at any public y is beta if y &lt; alpha and 0 otherwise. One key alone looks random and
 * says nothing about alpha or beta. Inputs are read most significant bit first.
 *
 * <p>A key is a 128-bit root seed (different for the two servers) and public correction words (the same in both
 * keys), laid out per key as {@link #publicWords(int)} longs: for each level l the seed correction (2 words, low
 * then high) and the value correction (2 words), then the left and right control-bit corrections (bit l of one
 * word each; the bits above the input width are filler), then the final correction (2 words). A seed's lowest bit carries its control bit, so seeds hold
 * 127 random bits.
 *
 * <p>Cost per key and input bit: two PRG expansions (4 AES blocks each) to make, one to evaluate; 32 bytes of
 * correction words.
 */
public final class Dcf {
    /** Most input bits: a comparison needs at most 63 below the sign bit. */
    public static final int MAX_BITS = 63;

    private Dcf() {
    }

    /** Longs of one key's public correction words for n-bit inputs. */
    public static int publicWords(int bits) {
        checkBits(bits);
        return 4 * bits + 4;
    }

    /**
     * The correction words of keys for alpha[i] (n-bit, unsigned) and beta (beta[2i], beta[2i + 1]), given both
     * root seeds (root0[2i..2i+1] for server 0, root1[...] for server 1, uniformly random). Returns count x {@link
     * #publicWords} longs, key i's at offset i x publicWords(bits).
     */
    public static long[] generate(int bits, long[] alpha, long[] beta, long[] root0, long[] root1) {
        int count = alpha.length, stride = publicWords(bits);
        if (beta.length != 2 * count || root0.length != 2 * count || root1.length != 2 * count) {
            throw new IllegalArgumentException("DCF: " + count + " points need " + 2 * count + " words of beta and of"
                    + " each root seed");
        }
        long[] pub = new long[Math.multiplyExact(count, stride)];
        long[] s0 = clearLow(root0.clone()), s1 = clearLow(root1.clone());
        long[] t0 = new long[count], t1 = new long[count];
        java.util.Arrays.fill(t1, 1L);
        long[] va = new long[2 * count];
        long[] e0 = new long[FixedKeyPrg.WORDS_OUT * count], e1 = new long[FixedKeyPrg.WORDS_OUT * count];
        FixedKeyPrg prg = new FixedKeyPrg();
        for (int level = 0; level < bits; level++) {
            prg.expand(s0, count, e0);
            prg.expand(s1, count, e1);
            int shift = bits - 1 - level;
            for (int i = 0; i < count; i++) {
                int x = 8 * i, base = i * stride;
                int a = (int) ((alpha[i] >>> shift) & 1L);
                // children: seed L in words 0-1 (control bit in bit 0), seed R in 2-3, value L in 4-5, value R in 6-7
                int keep = a == 0 ? 0 : 2, lose = 2 - keep;
                long cwLo = (e0[x + lose] ^ e1[x + lose]) & ~1L, cwHi = e0[x + lose + 1] ^ e1[x + lose + 1];
                long sign = t1[i] == 1 ? -1L : 1L;
                long v0 = sign * (e1[x + 4 + lose] - e0[x + 4 + lose] - va[2 * i]);
                long v1 = sign * (e1[x + 5 + lose] - e0[x + 5 + lose] - va[2 * i + 1]);
                if (a == 1) { // the lost branch is the left one: every y there is below alpha
                    v0 += sign * beta[2 * i];
                    v1 += sign * beta[2 * i + 1];
                }
                va[2 * i] = va[2 * i] - e1[x + 4 + keep] + e0[x + 4 + keep] + sign * v0;
                va[2 * i + 1] = va[2 * i + 1] - e1[x + 5 + keep] + e0[x + 5 + keep] + sign * v1;
                long tl = (e0[x] ^ e1[x] ^ a ^ 1L) & 1L, tr = (e0[x + 2] ^ e1[x + 2] ^ a) & 1L;
                pub[base + 4 * level] = cwLo;
                pub[base + 4 * level + 1] = cwHi;
                pub[base + 4 * level + 2] = v0;
                pub[base + 4 * level + 3] = v1;
                pub[base + 4 * bits] |= tl << level;
                pub[base + 4 * bits + 1] |= tr << level;
                long tKeep = a == 0 ? tl : tr;
                long t0Keep = e0[x + keep] & 1L, t1Keep = e1[x + keep] & 1L;
                s0[2 * i] = (e0[x + keep] & ~1L) ^ (t0[i] == 1 ? cwLo : 0L);
                s0[2 * i + 1] = e0[x + keep + 1] ^ (t0[i] == 1 ? cwHi : 0L);
                s1[2 * i] = (e1[x + keep] & ~1L) ^ (t1[i] == 1 ? cwLo : 0L);
                s1[2 * i + 1] = e1[x + keep + 1] ^ (t1[i] == 1 ? cwHi : 0L);
                t0[i] = t0Keep ^ (t0[i] & tKeep);
                t1[i] = t1Keep ^ (t1[i] & tKeep);
            }
        }
        long unused = bits == 64 ? 0L : -1L << bits;
        for (int i = 0; i < count; i++) {
            int base = i * stride + 4 * bits + 2;
            long sign = t1[i] == 1 ? -1L : 1L;
            pub[base] = sign * (s1[2 * i] - s0[2 * i] - va[2 * i]);
            pub[base + 1] = sign * (s1[2 * i + 1] - s0[2 * i + 1] - va[2 * i + 1]);
            // The control-bit words use bits 0..bits-1; their other bits are filled from the (public) final
            // correction word, so that no stored word is a small number that could pass for a data value.
            pub[base - 2] |= pub[base] & unused;
            pub[base - 1] |= pub[base + 1] & unused;
        }
        return pub;
    }

    /**
     * This server's shares of beta [y &lt; alpha] at the points y[j] (n-bit, unsigned), point j evaluated with key j
     * / pointsPerKey: out[2j], out[2j + 1].
     */
    public static long[] evaluate(int party, int bits, long[] roots, long[] pub, long[] points, int pointsPerKey) {
        int stride = publicWords(bits), m = points.length;
        if (pointsPerKey < 1 || (long) roots.length * pointsPerKey != 2L * m
                || (long) pub.length * pointsPerKey != (long) stride * m) {
            throw new IllegalArgumentException("DCF: " + m + " points at " + pointsPerKey + " per key do not fit "
                    + roots.length / 2 + " root seeds and " + pub.length / stride + " keys of " + bits + " bits");
        }
        long sign = party == 0 ? 1L : -1L;
        long t0 = party == 0 ? 0L : 1L;
        long[] s = new long[2 * m], t = new long[m], out = new long[2 * m];
        for (int j = 0; j < m; j++) {
            int k = j / pointsPerKey;
            s[2 * j] = roots[2 * k] & ~1L;
            s[2 * j + 1] = roots[2 * k + 1];
            t[j] = t0;
        }
        long[] e = new long[FixedKeyPrg.WORDS_OUT * m];
        FixedKeyPrg prg = new FixedKeyPrg();
        for (int level = 0; level < bits; level++) {
            prg.expand(s, m, e);
            int shift = bits - 1 - level;
            for (int j = 0; j < m; j++) {
                int x = 8 * j, base = (j / pointsPerKey) * stride;
                int side = (int) ((points[j] >>> shift) & 1L) * 2; // 0: left child, 2: right child
                long sLo = e[x + side] & ~1L, sHi = e[x + side + 1], tNext = e[x + side] & 1L;
                long v0 = e[x + 4 + side], v1 = e[x + 5 + side];
                if (t[j] == 1) {
                    sLo ^= pub[base + 4 * level];
                    sHi ^= pub[base + 4 * level + 1];
                    tNext ^= (pub[base + 4 * bits + side / 2] >>> level) & 1L;
                    v0 += pub[base + 4 * level + 2];
                    v1 += pub[base + 4 * level + 3];
                }
                out[2 * j] += sign * v0;
                out[2 * j + 1] += sign * v1;
                s[2 * j] = sLo;
                s[2 * j + 1] = sHi;
                t[j] = tNext;
            }
        }
        for (int j = 0; j < m; j++) {
            int base = (j / pointsPerKey) * stride + 4 * bits + 2;
            out[2 * j] += sign * (s[2 * j] + (t[j] == 1 ? pub[base] : 0L));
            out[2 * j + 1] += sign * (s[2 * j + 1] + (t[j] == 1 ? pub[base + 1] : 0L));
        }
        return out;
    }

    private static long[] clearLow(long[] seeds) {
        for (int i = 0; i < seeds.length; i += 2) {
            seeds[i] &= ~1L;
        }
        return seeds;
    }

    private static void checkBits(int bits) {
        if (bits < 1 || bits > MAX_BITS) {
            throw new IllegalArgumentException("a DCF compares 1 to " + MAX_BITS + " bits, not " + bits);
        }
    }
}
