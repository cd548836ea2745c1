package org.twintrain.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.twintrain.sharing.ring.LongMatrix;

class TensorFileTest {

    private static byte[] write(Map<String, LongMatrix> m) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TensorFile.write(out, m);
        return out.toByteArray();
    }

    @Test
    void roundTripKeepsOrderAndValues() throws Exception {
        SplittableRandom r = new SplittableRandom(3);
        Map<String, LongMatrix> m = new LinkedHashMap<>();
        m.put("dense1.weight", new LongMatrix(3, 70_000 / 3, r.longs(3 * (70_000 / 3)).toArray()));
        m.put("dense1.bias", new LongMatrix(1, 3, new long[] {Long.MIN_VALUE, -1, Long.MAX_VALUE}));
        m.put("empty", new LongMatrix(0, 4));
        Map<String, LongMatrix> back = TensorFile.read(new ByteArrayInputStream(write(m)), "mem");
        assertEquals(m, back);
        assertEquals(Arrays.asList(m.keySet().toArray()), Arrays.asList(back.keySet().toArray()));
    }

    /** The golden bytes of a tiny file: a change of format must change the version, not these bytes. */
    @Test
    void goldenBytes() throws Exception {
        Map<String, LongMatrix> m = new LinkedHashMap<>();
        m.put("w", new LongMatrix(1, 2, new long[] {1, -2}));
        String hex = HexFormat.of().formatHex(write(m));
        assertEquals(HexFormat.of().formatHex("TTTENSR1".getBytes())
                + "00000001" + "000177" + "00000001" + "00000002" + "0000000000000001" + "fffffffffffffffe", hex);
    }

    @Test
    void truncatedFileNamesTheOffset() throws Exception {
        Map<String, LongMatrix> m = new LinkedHashMap<>();
        m.put("w", new LongMatrix(2, 2, new long[] {1, 2, 3, 4}));
        byte[] bytes = write(m);
        byte[] cut = Arrays.copyOf(bytes, bytes.length - 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TensorFile.read(new ByteArrayInputStream(cut), "share.bin"));
        assertTrue(e.getMessage().startsWith("share.bin: truncated at byte"), e.getMessage());
    }

    @Test
    void badMagicAndTrailingBytesAreRefused() throws Exception {
        byte[] bytes = write(Map.of("w", new LongMatrix(1, 1, new long[] {5})));
        byte[] bad = bytes.clone();
        bad[0] = 'X';
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> TensorFile.read(new ByteArrayInputStream(bad), "f")).getMessage().contains("bad magic at byte 0"));
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> TensorFile.read(new ByteArrayInputStream(longer), "f")).getMessage().contains("unexpected bytes"));
    }
}
