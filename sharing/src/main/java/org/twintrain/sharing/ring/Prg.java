package org.twintrain.sharing.ring;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A seeded pseudo-random generator: AES-128 in counter mode over a key derived from (seed, label). The JDK's
 * AES-CTR uses AES-NI and makes gigabytes of keystream per second; Bouncy Castle's pure-Java AES is about 80x
 * slower here, so Bouncy Castle is kept for certificates only. The same (seed, label) always yields the same
 * stream, which is what lets server 0 store a seed instead of its share, and a retried task re-derive its
 * randomness.
 */
public final class Prg {
    private static final int BLOCK = 1 << 14;

    private final Cipher cipher;
    private final byte[] zeros = new byte[BLOCK];
    private final byte[] buffer = new byte[BLOCK];
    private final ByteBuffer view = ByteBuffer.wrap(buffer).order(ByteOrder.LITTLE_ENDIAN);
    private final java.nio.LongBuffer longs = view.asLongBuffer();
    private int position = BLOCK;

    /** A stream for the 32-byte (or any length) seed, separated by label (e.g. a triple key id). */
    public Prg(byte[] seed, String label) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(seed);
            sha.update((byte) 0);
            sha.update(label.getBytes(StandardCharsets.UTF_8));
            byte[] digest = sha.digest();
            cipher = Cipher.getInstance("AES/CTR/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(digest, 0, 16, "AES"),
                    new IvParameterSpec(digest, 16, 16));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/CTR is not available in this JDK", e);
        }
    }

    /** Fills out with uniformly random ring elements. */
    public void nextLongs(long[] out) {
        nextLongs(out, 0, out.length);
    }

    public void nextLongs(long[] out, int from, int to) {
        int i = from;
        while (i < to) {
            if (position == BLOCK) {
                refill();
            }
            // A bulk copy of the buffered keystream (the same little-endian words as one getLong at a time).
            int n = Math.min(to - i, (BLOCK - position) / 8);
            longs.position(position / 8);
            longs.get(out, i, n);
            i += n;
            position += 8 * n;
        }
    }

    public long[] nextLongs(int n) {
        long[] out = new long[n];
        nextLongs(out);
        return out;
    }

    public long nextLong() {
        if (position == BLOCK) {
            refill();
        }
        long v = view.getLong(position);
        position += 8;
        return v;
    }

    private void refill() {
        try {
            cipher.update(zeros, 0, BLOCK, buffer, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/CTR keystream failed", e);
        }
        position = 0;
    }
}
