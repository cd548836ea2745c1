package org.twintrain.sharing.fss;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * The length-quadrupling PRG of the DCF tree: a 128-bit seed s gives the four blocks AES_k(s ^ j) ^ (s ^ j), j =
 * 0..3, under one fixed public key k (the Matyas-Meyer-Oseas construction; a PRG in the ideal-cipher model, as
 * in Guo, Katz, Wang and Yu, "Efficient and Secure Multiparty Computation from Fixed-Key Block Ciphers", S&amp;P
 * 2020). A fixed key means one key schedule for all seeds, so a whole tree level of many keys is one ECB call:
 * about 3 GB/s with the JDK's AES-NI, where a key schedule per seed would cost more than the encryption.
 */
final class FixedKeyPrg {
    /** 64-bit words out per seed: four 128-bit blocks. */
    static final int WORDS_OUT = 8;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    // A public constant (the first 16 bytes of SHA-256("twintrain/fss/prg")); its secrecy plays no role.
    private static final byte[] KEY = java.util.HexFormat.of().parseHex("4f2c1a5ed90b7e3385a1c6f0d24e9b17");

    private final Cipher cipher;
    private byte[] in = new byte[0];
    private byte[] out = new byte[0];

    FixedKeyPrg() {
        try {
            cipher = Cipher.getInstance("AES/ECB/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(KEY, "AES"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/ECB is not available in this JDK", e);
        }
    }

    /**
     * Expands seeds[2i], seeds[2i + 1] (low, high word) for i in [0, count) into expanded[8i .. 8i + 8): block j
     * in words 8i + 2j (low) and 8i + 2j + 1 (high).
     */
    void expand(long[] seeds, int count, long[] expanded) {
        int bytes = Math.multiplyExact(count, 64);
        if (in.length < bytes) {
            in = new byte[bytes];
            out = new byte[bytes];
        }
        for (int i = 0; i < count; i++) {
            long lo = seeds[2 * i], hi = seeds[2 * i + 1];
            int at = i * 64;
            for (int j = 0; j < 4; j++) {
                LONGS.set(in, at + 16 * j, lo ^ j);
                LONGS.set(in, at + 16 * j + 8, hi);
            }
        }
        try {
            cipher.doFinal(in, 0, bytes, out, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/ECB failed on " + bytes + " bytes", e);
        }
        for (int w = 0; w < count * WORDS_OUT; w++) {
            expanded[w] = (long) LONGS.get(out, 8 * w) ^ (long) LONGS.get(in, 8 * w);
        }
    }
}
