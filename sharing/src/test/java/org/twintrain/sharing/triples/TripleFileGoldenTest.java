package org.twintrain.sharing.triples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The committed files of format version 2 (made by {@link GoldenTriples}) still read, and are still written. */
class TripleFileGoldenTest {
    private static final String GOLDEN = "golden-v2/";

    private static byte[] golden(String name) throws IOException {
        try (InputStream in = TripleFileGoldenTest.class.getResourceAsStream(GOLDEN + name)) {
            if (in == null) {
                throw new IOException("golden file " + GOLDEN + name + " is missing from the test resources");
            }
            return in.readAllBytes();
        }
    }

    private static Path goldenDir(String store) throws URISyntaxException {
        return Path.of(TripleFileGoldenTest.class.getResource(GOLDEN + store).toURI());
    }

    @Test
    void theWriterStillProducesTheGoldenBytes() throws IOException {
        for (Map.Entry<String, byte[]> e : GoldenTriples.files().entrySet()) {
            assertArrayEquals(golden(e.getKey()), e.getValue(), e.getKey() + " differs from the golden file: a format "
                    + "change needs a new version and new golden files");
        }
    }

    @Test
    void theGoldenHeaderHasTheDocumentedLayout() throws IOException {
        ByteBuffer b = ByteBuffer.wrap(golden("store1/" + TripleFile.partName(1)));
        byte[] magic = new byte[8];
        b.get(magic);
        assertEquals("TTTRIPLE", new String(magic, StandardCharsets.US_ASCII));
        assertEquals(2, b.getInt(8));
        assertEquals(1, b.getInt(12));
        byte[] plan = Arrays.copyOfRange(b.array(), 16, 48);
        assertEquals(GoldenTriples.plan().id(), java.util.HexFormat.of().formatHex(plan));
        assertEquals(13, b.getInt(48));
        assertEquals(1, b.getInt(52)); // WRAP_FREE
        assertEquals(4, b.getInt(56)); // first
        assertEquals(2, b.getInt(60)); // count
        assertEquals(4, b.getInt(64)); // first record: plan index 4 (MUL {3})
        assertEquals(9, b.getInt(68)); // 3 parts of 3 words
        assertEquals(64 + 8 + 72 + 8 + 16, b.capacity()); // then SQUARE {1}: 2 words
        ByteBuffer s = ByteBuffer.wrap(golden("store0/" + TripleFile.PARTY0_FILE));
        assertEquals(0, s.getInt(12));
        assertEquals(96, s.capacity());
    }

    @Test
    void theGoldenStoresReconstructTheDealersValues() throws Exception {
        TriplePlan plan = GoldenTriples.plan();
        Dealer dealer = new Dealer(GoldenTriples.DEALER_SEED, GoldenTriples.CODEC);
        try (StoredTripleSource s0 = StoredTripleSource.open(ByteSource.folder(goldenDir("store0")), 0,
                GoldenTriples.CODEC, plan.truncation(), plan.id(), null);
                StoredTripleSource s1 = StoredTripleSource.open(ByteSource.folder(goldenDir("store1")), 1,
                        GoldenTriples.CODEC, plan.truncation(), plan.id(), null)) {
            for (TripleKey k : plan.keys()) {
                long[][] a = s0.take(k).parts(), b = s1.take(k).parts(), v = dealer.value(k);
                for (int p = 0; p < v.length; p++) {
                    for (int i = 0; i < v[p].length; i++) {
                        long sum = Dealer.isXorPart(k.kind(), p) ? a[p][i] ^ b[p][i] : a[p][i] + b[p][i];
                        assertEquals(v[p][i], sum, k + " part " + p + " word " + i);
                    }
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> TripleFile.Header.decode(
                Arrays.copyOf("TTTRIPLX".getBytes(StandardCharsets.US_ASCII), 64), "x"));
        byte[] v3 = golden("store0/" + TripleFile.PARTY0_FILE);
        ByteBuffer.wrap(v3).putInt(8, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TripleFile.Header.decode(v3, "y"));
        assertTrue(e.getMessage().contains("version 3"), e.getMessage());
    }
}
