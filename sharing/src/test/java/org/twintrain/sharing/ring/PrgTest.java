package org.twintrain.sharing.ring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The PRG's bulk reads give exactly the stream of single reads, across keystream blocks and at any offset. */
class PrgTest {
    private static final byte[] SEED = "prg test seed".getBytes(StandardCharsets.UTF_8);

    @Test
    void bulkReadsAreTheStreamOfSingleReadsAcrossBlocks() {
        int n = 3 * 2048 + 5; // three 16 KB keystream blocks and a bit
        Prg single = new Prg(SEED, "stream");
        long[] expected = new long[n];
        for (int i = 0; i < n; i++) {
            expected[i] = single.nextLong();
        }
        assertArrayEquals(expected, new Prg(SEED, "stream").nextLongs(n));
        // Mixed: a few single reads, then bulk reads that start mid-block and straddle block ends.
        Prg mixed = new Prg(SEED, "stream");
        long[] got = new long[n];
        got[0] = mixed.nextLong();
        got[1] = mixed.nextLong();
        mixed.nextLongs(got, 2, 2047);
        mixed.nextLongs(got, 2047, 2049);
        got[2049] = mixed.nextLong();
        mixed.nextLongs(got, 2050, n);
        assertArrayEquals(expected, got);
    }

    @Test
    void theFirstWordIsPinnedAndLabelsSeparateStreams() {
        // Stored triples and server 0's seeds depend on this stream never changing (values of the one-word-at-a-time
        // reader that preceded the bulk copy): word 0 and word 3000 (in the second 16 KB block).
        long[] words = new Prg(SEED, "stream").nextLongs(3001);
        assertEquals(0xe2e4265792ea0339L, words[0]);
        assertEquals(0x4ef3ed35c370f91aL, words[3000]);
        assertNotEquals(new Prg(SEED, "stream").nextLong(), new Prg(SEED, "other").nextLong());
    }
}
