package org.twintrain.sharing.triples;

import java.nio.ByteBuffer;
import org.twintrain.sharing.arith.ConvGeometry;
import org.twintrain.sharing.fss.Dcf;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.ring.LongMatrix;
import org.twintrain.sharing.ring.RingMatMul;
import org.twintrain.sharing.ring.Prg;

/**
 * The trusted dealer of the offline phase: from a dealer seed and a {@link TripleKey} it derives the
 * correlation for that key and splits it into the two parties' halves. Deterministic: the same seed and key
 * always give the same halves, so a retried task finds its triple again.
 *
 * <p>Server 0's half is expanded from {@link #party0Seed()}, a seed derived from the dealer seed, so server 0
 * can store that one 32-byte seed instead of its triples ({@link #expandParty0}). Server 1's half is the value
 * minus (or, for XOR-shared parts, XOR) server 0's half and has to be materialized. Neither half alone says
 * anything about the value; the dealer seed must never reach a server in a real deployment.
 *
 * <p>Values per kind (shape {count} unless stated), parts in the order of {@link TripleSource#take}:
 * <ul>
 *   <li>MUL: a, b uniform in Z_2^64, c = a*b; arithmetic shares.</li>
 *   <li>SQUARE: a uniform, a^2; arithmetic shares.</li>
 *   <li>MATMUL, shape {m, k, n}: U (m*k), V (k*n) uniform, Z = UV; arithmetic shares.</li>
 *   <li>AND: words a, b uniform, c = a &amp; b; XOR shares.</li>
 *   <li>TRUNC: r uniform in Z_2^64 (full range: the opening x + r hides x perfectly); the parts are r,
 *       (r mod 2^63) &gt;&gt; f and the top bit r &gt;&gt;&gt; 63 (as 0/1), all arithmetic shares. The third part
 *       lets {@link org.twintrain.sharing.protocol.Truncation} recover the wrap of the opening exactly.</li>
 *   <li>BIT: b uniform in {0, 1}; part 0 is b XOR-shared in bit 0 (the other bits are 0), part 1 is b
 *       arithmetic-shared.</li>
 *   <li>DATA_MASK, shape {rows, cols}: U, row r uniform from (dealer seed, the key's {@link #maskId}, r): bound to
 *       its own key, so two data masks (of two data sets, or two runs) under one dealer seed never share a row;
 *       arithmetic shares.</li>
 *   <li>MASKED_MATMUL, shape {t, m, k, n, idHigh, idLow, rows...}: V (k*n) uniform and Z = U_b V (t = 0) or
 *       U_b^T V (t = 1), U_b the listed rows of the DATA_MASK whose {@link #maskId} is (idHigh, idLow); arithmetic
 *       shares.</li>
 *   <li>COMPARE, shape {count, bits}: r uniform in Z_2^64, h = bit (bits - 1) of r and h r (arithmetic shares), then
 *       a DCF key ({@link Dcf}, bits - 1 input bits) for alpha = r mod 2^(bits-1), beta = (1 - 2h, (1 - 2h) r): the
 *       server's root seed (2 words per element) and the correction words, which are the same in both halves. The
 *       first four parts of server 0's half come from its seed; the correction words cannot (they depend on both
 *       root seeds and on r), so they are the one part that server 0 has to store too ({@link #sharedParts}).</li>
 *   <li>CONV, shape {batch, geometry (8 ints: channels, height, width, outChannels, k, stride, pad)}: A (batch x
 *       inSize) and B (patchSize x outChannels) uniform, each from a stream named by the key's epoch, step and
 *       {@link #convTag}; Z = im2col(A) B; arithmetic shares.</li>
 *   <li>CONV_KGRAD, shape {forward tag (2 ints), batch, geometry}: V (batch*outPixels x outChannels) uniform from a
 *       stream named by its own epoch, step and tag, and Z = im2col(A)^T V with the forward key's A.</li>
 *   <li>CONV_IGRAD, shape {forward tag, kernel-gradient tag, batch, geometry}: Z = col2im(V B^T) with the
 *       kernel-gradient key's V and the forward key's B.</li>
 * </ul>
 * The two gradient kinds name their forward key by tag, not by full id, so one recorded step's keys repeat for
 * every step of a plan unchanged; the epoch and step they share with their forward key complete the name.
 */
public final class Dealer {
    private static final long LOW63 = Long.MAX_VALUE;

    private final byte[] dealerSeed;
    private final byte[] party0Seed;
    private final FixedPoint fixedPoint;

    /** A dealer for truncation pairs of fixedPoint's f (the other kinds do not depend on f). */
    public Dealer(byte[] dealerSeed, FixedPoint fixedPoint) {
        this.dealerSeed = dealerSeed.clone();
        this.fixedPoint = fixedPoint;
        long[] words = new Prg(dealerSeed, "twintrain/dealer/party0-seed").nextLongs(4);
        ByteBuffer seed = ByteBuffer.allocate(32);
        for (long w : words) {
            seed.putLong(w);
        }
        this.party0Seed = seed.array();
    }

    /** The seed from which server 0 expands all its halves; what a stored source keeps for server 0. */
    public byte[] party0Seed() {
        return party0Seed.clone();
    }

    public FixedPoint fixedPoint() {
        return fixedPoint;
    }

    /** This party's half for key. */
    public Correlation half(int party, TripleKey key) {
        if (key.kind() == TripleKey.Kind.COMPARE) {
            if (party != 0 && party != 1) {
                throw new IllegalArgumentException("party must be 0 or 1, got " + party);
            }
            return compareHalves(key)[party];
        }
        if (party == 0) {
            return expandParty0(party0Seed, key);
        }
        if (party != 1) {
            throw new IllegalArgumentException("party must be 0 or 1, got " + party);
        }
        return party1Half(key, expandParty0(party0Seed, key).parts());
    }

    /** Both halves, {party 0, party 1}. */
    public Correlation[] halves(TripleKey key) {
        if (key.kind() == TripleKey.Kind.COMPARE) {
            return compareHalves(key); // one key generation for both
        }
        Correlation zero = expandParty0(party0Seed, key); // expanded once: server 1's half is the value minus it
        return new Correlation[] {zero, party1Half(key, zero.parts())};
    }

    /**
     * Server 0's half of key, from server 0's seed alone (no dealer seed needed). The last {@link #sharedParts} parts
     * are left null: they are not random, server 0 reads them from its store.
     */
    public static Correlation expandParty0(byte[] party0Seed, TripleKey key) {
        int[] sizes = partSizes(key);
        Prg prg = new Prg(party0Seed, "twintrain/party0/" + key.id());
        long[][] parts = new long[sizes.length][];
        for (int i = 0; i < sizes.length - sharedParts(key.kind()); i++) {
            parts[i] = prg.nextLongs(sizes[i]);
        }
        if (key.kind() == TripleKey.Kind.BIT) {
            maskToBit0(parts[0]);
        }
        return new Correlation(key, parts);
    }

    /** The correlated values themselves (both halves recombined); for the dealer and for tests only. */
    public long[][] value(TripleKey key) {
        Prg prg = new Prg(dealerSeed, "twintrain/value/" + key.id());
        int[] shape = key.shape();
        switch (key.kind()) {
            case MUL: {
                int n = count(key);
                long[] a = prg.nextLongs(n), b = prg.nextLongs(n), c = new long[n];
                for (int i = 0; i < n; i++) {
                    c[i] = a[i] * b[i];
                }
                return new long[][] {a, b, c};
            }
            case SQUARE: {
                long[] a = prg.nextLongs(count(key)), a2 = new long[a.length];
                for (int i = 0; i < a.length; i++) {
                    a2[i] = a[i] * a[i];
                }
                return new long[][] {a, a2};
            }
            case MATMUL: {
                requireShape(key, 3);
                LongMatrix u = new LongMatrix(shape[0], shape[1], prg.nextLongs(shape[0] * shape[1]));
                LongMatrix v = new LongMatrix(shape[1], shape[2], prg.nextLongs(shape[1] * shape[2]));
                return new long[][] {u.data(), v.data(), u.matmul(v).data()};
            }
            case AND: {
                int n = count(key);
                long[] a = prg.nextLongs(n), b = prg.nextLongs(n), c = new long[n];
                for (int i = 0; i < n; i++) {
                    c[i] = a[i] & b[i];
                }
                return new long[][] {a, b, c};
            }
            case TRUNC: {
                int f = shape.length == 2 ? shape[1] : fixedPoint.fractionalBits();
                long[] r = prg.nextLongs(truncCount(key)), low = new long[r.length], top = new long[r.length];
                for (int i = 0; i < r.length; i++) {
                    low[i] = (r[i] & LOW63) >> f;
                    top[i] = r[i] >>> 63;
                }
                return new long[][] {r, low, top};
            }
            case BIT: {
                long[] b = prg.nextLongs(count(key));
                maskToBit0(b);
                return new long[][] {b, b.clone()};
            }
            case DATA_MASK: {
                requireShape(key, 2);
                int[] all = new int[shape[0]];
                for (int r = 0; r < all.length; r++) {
                    all[r] = r;
                }
                return new long[][] {dataMaskRows(maskId(key), all, shape[1]).data()};
            }
            case MASKED_MATMUL: {
                int m = shape[1], k = shape[2], n = shape[3];
                long mask = tagAt(shape, 4);
                int[] rows = java.util.Arrays.copyOfRange(shape, MASKED_ROWS, shape.length);
                LongMatrix ub = dataMaskRows(mask, rows, shape[0] == 0 ? k : m);
                LongMatrix left = shape[0] == 0 ? ub : ub.transpose();
                if (left.rows() != m || left.cols() != k) {
                    throw new IllegalArgumentException(key + ": the rows do not give an " + m + "x" + k + " left mask");
                }
                LongMatrix v = new LongMatrix(k, n, prg.nextLongs(k * n));
                return new long[][] {v.data(), left.matmul(v).data()};
            }
            case CONV: {
                ConvGeometry g = convGeometry(key, 1);
                LongMatrix a = convStream(key, convTag(key), "input", shape[0], g.inSize());
                LongMatrix b = convStream(key, convTag(key), "kernel", g.patchSize(), g.outChannels());
                return new long[][] {a.data(), b.data(), g.im2col(a).matmul(b).data()};
            }
            case CONV_KGRAD: {
                ConvGeometry g = convGeometry(key, 3);
                int batch = shape[2];
                LongMatrix a = convStream(key, tagAt(shape, 0), "input", batch, g.inSize());
                LongMatrix v = convStream(key, convTag(key), "output-grad", batch * g.outPixels(), g.outChannels());
                return new long[][] {v.data(), RingMatMul.multiplyTransposeA(g.im2col(a), v).data()};
            }
            case CONV_IGRAD: {
                ConvGeometry g = convGeometry(key, 5);
                int batch = shape[4];
                LongMatrix b = convStream(key, tagAt(shape, 0), "kernel", g.patchSize(), g.outChannels());
                LongMatrix v = convStream(key, tagAt(shape, 2), "output-grad", batch * g.outPixels(), g.outChannels());
                return new long[][] {g.col2im(RingMatMul.multiplyTransposeB(v, b)).data()};
            }
            case COMPARE: {
                requireCompareShape(key);
                int n = key.shape()[1] - 1;
                long[] r = prg.nextLongs(key.shape()[0]), h = new long[r.length], hr = new long[r.length];
                for (int i = 0; i < r.length; i++) {
                    h[i] = (r[i] >>> n) & 1L;
                    hr[i] = h[i] * r[i];
                }
                return new long[][] {r, h, hr};
            }
            default:
                throw new IllegalArgumentException("unknown kind " + key.kind());
        }
    }

    /** How many of kind's parts (the last ones) are public and the same in both halves: stored by both servers. */
    public static int sharedParts(TripleKey.Kind kind) {
        return kind == TripleKey.Kind.COMPARE ? 1 : 0;
    }

    /** Both halves of a COMPARE key: the arithmetic parts split as usual, the DCF keys made from both root seeds. */
    private Correlation[] compareHalves(TripleKey key) {
        long[][] value = value(key);
        long[] r = value[0], h = value[1], hr = value[2];
        int n = key.shape()[1] - 1, count = r.length;
        long low = n == 63 ? Long.MAX_VALUE : (1L << n) - 1;
        long[] alpha = new long[count], beta = new long[2 * count];
        for (int i = 0; i < count; i++) {
            alpha[i] = r[i] & low;
            beta[2 * i] = 1 - 2 * h[i];
            beta[2 * i + 1] = (1 - 2 * h[i]) * r[i];
        }
        long[] root1 = new Prg(dealerSeed, "twintrain/value/dcf-root1/" + key.id()).nextLongs(2 * count);
        long[][] zero = expandParty0(party0Seed, key).parts();
        long[] pub = Dcf.generate(n, alpha, beta, zero[3], root1);
        long[][] one = new long[5][];
        for (int p = 0; p < 3; p++) {
            one[p] = new long[count];
            for (int i = 0; i < count; i++) {
                one[p][i] = value[p][i] - zero[p][i];
            }
        }
        one[3] = root1;
        one[4] = pub;
        zero[4] = pub.clone();
        return new Correlation[] {new Correlation(key, zero), new Correlation(key, one)};
    }

    /** Values of a TRUNC key: shape {count} (shift by f) or {count, shift}. */
    private static int truncCount(TripleKey key) {
        int[] s = key.shape();
        if (s.length == 2 && (s[1] < 1 || s[1] > 62) || s.length < 1 || s.length > 2 || s[0] < 0) {
            throw new IllegalArgumentException(key + ": a truncation pair has shape {count} or {count, shift 1..62}");
        }
        return s[0];
    }

    private static void requireCompareShape(TripleKey key) {
        requireShape(key, 2);
        int bits = key.shape()[1];
        if (bits < 2 || bits > 64) {
            throw new IllegalArgumentException(key + ": a comparison covers 2 to 64 bits, not " + bits);
        }
    }

    /** Position of the first row index in a MASKED_MATMUL shape {t, m, k, n, idHigh, idLow, rows...}. */
    public static final int MASKED_ROWS = 6;

    /**
     * The 64-bit name of a DATA_MASK key (the first 8 bytes of SHA-256 of its id), which a MASKED_MATMUL key carries
     * to say whose rows it slices.
     */
    public static long maskId(TripleKey dataMask) {
        if (dataMask.kind() != TripleKey.Kind.DATA_MASK) {
            throw new IllegalArgumentException(dataMask + " is not a data mask");
        }
        return name64(dataMask.id());
    }

    /**
     * The 64-bit tag of a convolution key: the first 8 bytes of SHA-256 of its id without epoch and step (layer,
     * op, kind, shape). Unique within a step; the gradient keys carry their forward key's tag.
     */
    public static long convTag(TripleKey key) {
        String id = key.id();
        String withoutStep = id.substring(id.indexOf('/', id.indexOf('/') + 1) + 1);
        return name64(withoutStep);
    }

    /** The first 8 bytes of SHA-256 of text: the 64-bit names of data masks and convolution keys. */
    private static long name64(String text) {
        return Long.parseUnsignedLong(TriplePlan.sha256(text).substring(0, 16), 16);
    }

    /**
     * A 64-bit name (a {@link #maskId} or {@link #convTag}) as the two ints, high then low, that a key's shape
     * carries it in; {@link #tagAt} reads it back.
     */
    public static int[] tagInts(long tag) {
        return new int[] {(int) (tag >>> 32), (int) tag};
    }

    private static long tagAt(int[] shape, int at) {
        return ((long) shape[at] << 32) | (shape[at + 1] & 0xFFFFFFFFL);
    }

    /** The geometry in shape[from..from+7) of a convolution key, which must end there after a batch before it. */
    private static ConvGeometry convGeometry(TripleKey key, int from) {
        int[] s = key.shape();
        if (s.length != from + 7 || s[from - 1] <= 0) {
            throw new IllegalArgumentException(key + " needs a shape of " + (from - 1) + " tag ints, a positive batch"
                    + " and 7 geometry ints (channels, height, width, outChannels, k, stride, pad)");
        }
        try {
            return new ConvGeometry(s[from], s[from + 1], s[from + 2], s[from + 3], s[from + 4], s[from + 5], s[from + 6]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
    }

    /** A uniform rows x cols matrix of the convolution tagged tag in key's epoch and step, named by what. */
    private LongMatrix convStream(TripleKey key, long tag, String what, int rows, int cols) {
        return new LongMatrix(rows, cols, new Prg(dealerSeed, "twintrain/value/conv/" + key.epoch() + "/" + key.step()
                + "/" + Long.toHexString(tag) + "/" + what).nextLongs(Math.multiplyExact(rows, cols)));
    }

    /** The given rows of the data mask named mask, of width cols (row r from its own PRG stream). */
    private LongMatrix dataMaskRows(long mask, int[] rows, int cols) {
        long[] out = new long[Math.multiplyExact(rows.length, cols)];
        for (int i = 0; i < rows.length; i++) {
            new Prg(dealerSeed, "twintrain/value/data-mask/" + Long.toHexString(mask) + "/" + cols + "/" + rows[i])
                    .nextLongs(out, i * cols, (i + 1) * cols);
        }
        return new LongMatrix(rows.length, cols, out);
    }

    /** Server 1's half: the value minus (XOR for XOR-shared parts) server 0's expanded half zero. */
    private Correlation party1Half(TripleKey key, long[][] zero) {
        long[][] value = value(key); // fresh arrays: server 1's parts are computed in place
        for (int p = 0; p < value.length; p++) {
            long[] v = value[p], z = zero[p];
            if (isXorPart(key.kind(), p)) {
                for (int i = 0; i < v.length; i++) {
                    v[i] ^= z[i];
                }
            } else {
                for (int i = 0; i < v.length; i++) {
                    v[i] -= z[i];
                }
            }
        }
        return new Correlation(key, value);
    }

    /** Whether part p of kind is XOR-shared (else additive over Z_2^64). */
    public static boolean isXorPart(TripleKey.Kind kind, int p) {
        return kind == TripleKey.Kind.AND || (kind == TripleKey.Kind.BIT && p == 0);
    }

    /** Number of words of each part of key. */
    public static int[] partSizes(TripleKey key) {
        switch (key.kind()) {
            case MUL:
            case AND:
                return new int[] {count(key), count(key), count(key)};
            case TRUNC:
                return new int[] {truncCount(key), truncCount(key), truncCount(key)};
            case SQUARE:
            case BIT:
                return new int[] {count(key), count(key)};
            case MATMUL: {
                requireShape(key, 3);
                int[] s = key.shape();
                return new int[] {
                    Math.multiplyExact(s[0], s[1]), Math.multiplyExact(s[1], s[2]), Math.multiplyExact(s[0], s[2])
                };
            }
            case DATA_MASK: {
                requireShape(key, 2);
                return new int[] {Math.multiplyExact(key.shape()[0], key.shape()[1])};
            }
            case COMPARE: {
                requireCompareShape(key);
                int n = key.shape()[0];
                return new int[] {n, n, n, Math.multiplyExact(2, n), Math.multiplyExact(n,
                    Dcf.publicWords(key.shape()[1] - 1))};
            }
            case CONV: {
                ConvGeometry g = convGeometry(key, 1);
                int batch = key.shape()[0];
                return new int[] {Math.multiplyExact(batch, g.inSize()), g.patchSize() * g.outChannels(),
                    Math.multiplyExact(batch, g.outSize())};
            }
            case CONV_KGRAD: {
                ConvGeometry g = convGeometry(key, 3);
                return new int[] {Math.multiplyExact(key.shape()[2], g.outSize()), g.patchSize() * g.outChannels()};
            }
            case CONV_IGRAD: {
                ConvGeometry g = convGeometry(key, 5);
                return new int[] {Math.multiplyExact(key.shape()[4], g.inSize())};
            }
            case MASKED_MATMUL: {
                int[] s = key.shape();
                if (s.length < MASKED_ROWS + 1 || (s[0] != 0 && s[0] != 1)
                        || s.length - MASKED_ROWS != (s[0] == 0 ? s[1] : s[2])) {
                    throw new IllegalArgumentException(key + " needs a shape {t, m, k, n, idHigh, idLow, rows...} with"
                            + " one row per row (t = 0) or column (t = 1) of the left operand");
                }
                return new int[] {Math.multiplyExact(s[2], s[3]), Math.multiplyExact(s[1], s[3])};
            }
            default:
                throw new IllegalArgumentException("unknown kind " + key.kind());
        }
    }

    private static int count(TripleKey key) {
        int[] shape = key.shape();
        int n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + key);
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    private static void requireShape(TripleKey key, int dims) {
        if (key.shape().length != dims) {
            throw new IllegalArgumentException(key + " needs a shape of " + dims + " dimensions");
        }
    }

    private static void maskToBit0(long[] words) {
        for (int i = 0; i < words.length; i++) {
            words[i] &= 1L;
        }
    }
}
