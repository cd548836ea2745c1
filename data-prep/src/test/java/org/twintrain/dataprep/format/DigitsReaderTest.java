package org.twintrain.dataprep.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DigitsReaderTest {
    @TempDir
    Path dir;

    /** 64 pixels and a class, as one line. */
    private static String line(int pixel, int label) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 64; i++) {
            sb.append(i == 10 ? pixel : i % 17).append(',');
        }
        return sb.append(label).toString();
    }

    private DataFormatException refused(String content) throws Exception {
        Path f = Files.writeString(dir.resolve("bad.csv"), content, StandardCharsets.US_ASCII);
        return assertThrows(DataFormatException.class, () -> DigitsReader.read(f));
    }

    @Test
    void theEmbeddedCopyIsTheOneOfItsProvenanceNote() throws Exception {
        Path f = DigitsReader.writeEmbedded(dir.resolve("optdigits.csv.gz"));
        assertEquals("46abec6b12486ad9e51943373abcf22bbea1b5a51a1619b361570d8893f1464a",
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
        ImageSet s = DigitsReader.read(f);
        assertEquals(1797, s.count);
        assertEquals(1, s.channels);
        assertEquals(8, s.height);
        assertEquals(8, s.width);
        assertArrayEquals(new long[] {178, 182, 177, 183, 181, 182, 181, 179, 174, 180}, s.classCounts());
        // The first line: 0,0,5,13,9,1,0,0,0,0,13,15,10,15,5,0,... class 0.
        assertEquals(0, s.labels[0]);
        assertEquals(5, s.pixel(0, 0, 0, 2));
        assertEquals(13, s.pixel(0, 0, 0, 3));
        assertEquals(15, s.pixel(0, 0, 1, 3));
        for (byte b : s.pixels) {
            assertTrue(b >= 0 && b <= 16);
        }
        assertTrue(DigitsReader.class.getResource("/twintrain/data/digits/PROVENANCE.md") != null,
                "the provenance and licence note travels with the data");
    }

    @Test
    void plainAndGzippedReadAlikeAndBlankLinesAreSkipped() throws Exception {
        String text = line(3, 7) + "\n\n" + line(16, 0) + "\r\n";
        Path plain = Files.writeString(dir.resolve("d.tra"), text);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(text.getBytes(StandardCharsets.US_ASCII));
        }
        Path zipped = Files.write(dir.resolve("d.tes"), gz.toByteArray());
        ImageSet a = DigitsReader.read(plain);
        ImageSet b = DigitsReader.read(zipped);
        assertEquals(2, a.count);
        assertArrayEquals(new int[] {7, 0}, a.labels);
        assertArrayEquals(a.pixels, b.pixels);
        assertEquals(16, a.pixel(1, 0, 1, 2));
    }

    @Test
    void malformedLinesNameTheFileAndLineButNoValue() throws Exception {
        DataFormatException fields = refused(line(1, 1) + "\n" + "1,2,3\n");
        assertTrue(fields.getMessage().endsWith("bad.csv: 3 fields, expected 65 (64 pixels and the class) at line 2"),
                fields.getMessage());
        DataFormatException pixel = refused(line(1, 1) + "\n" + line(1, 1) + "\n" + line(17, 2) + "\n");
        assertTrue(pixel.getMessage().endsWith("bad.csv: pixel 11 is outside 0..16 at line 3"), pixel.getMessage());
        DataFormatException label = refused(line(1, 10));
        assertTrue(label.getMessage().endsWith("bad.csv: the class is outside 0..9 at line 1"), label.getMessage());
        DataFormatException text = refused(line(1, 1).replaceFirst("^0,", "x,"));
        assertTrue(text.getMessage().endsWith("field 1 is not a small whole number at line 1"), text.getMessage());
        DataFormatException negative = refused(line(1, 1).replaceFirst("^0,", "-1,"));
        assertTrue(negative.getMessage().endsWith("field 1 is not a small whole number at line 1"), negative.getMessage());
        DataFormatException empty = refused("");
        assertTrue(empty.getMessage().endsWith("bad.csv: empty file"), empty.getMessage());
        DataFormatException blank = refused("\n\n");
        assertTrue(blank.getMessage().contains("bad.csv: no records"), blank.getMessage());
        assertTrue(!text.getMessage().contains("x"), "no field content in the message: " + text.getMessage());
        DataFormatException missing = assertThrows(DataFormatException.class,
                () -> DigitsReader.read(dir.resolve("nowhere.csv")));
        assertTrue(missing.getMessage().endsWith("nowhere.csv: no such file"), missing.getMessage());
    }
}
