package org.twintrain.dataprep.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.twintrain.dataprep.generate.FormatWriters;
import org.twintrain.dataprep.generate.Generators;
import org.twintrain.dataprep.generate.SyntheticImages;

class IdxReaderTest {
    @TempDir
    Path dir;

    private final ImageSet set = SyntheticImages.make(12, 10, 1, 28, 28, 4, 5, null);

    @Test
    void readsGzippedAndPlainIdx() throws IOException {
        Path gz = dir.resolve("a-images-idx3-ubyte.gz");
        Path plain = dir.resolve("a-images-idx3-ubyte");
        Files.write(gz, FormatWriters.gzip(FormatWriters.idxImagesBytes(set)));
        Files.write(plain, FormatWriters.idxImagesBytes(set));
        for (Path p : new Path[] {gz, plain}) {
            IdxReader.Images images = IdxReader.readImages(p);
            assertEquals(12, images.count());
            assertEquals(28, images.rows());
            assertEquals(28, images.cols());
            assertArrayEquals(set.pixels, images.pixels());
        }
    }

    @Test
    void handBuiltIdxFollowsTheFormat() throws IOException {
        // Big-endian header: magic 0x00000803, count 1, rows 2, cols 3, then 6 pixel bytes row-major.
        byte[] bytes = {0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, (byte) 255};
        Path p = dir.resolve("hand");
        Files.write(p, bytes);
        IdxReader.Images images = IdxReader.readImages(p);
        assertEquals(2, images.rows());
        assertEquals(3, images.cols());
        assertEquals(255, images.pixels()[5] & 0xFF);
        assertEquals(4, images.pixels()[3]);
    }

    @Test
    void mnistReaderPairsGeneratedFiles() throws IOException {
        Generators.mnist(dir, 50, 20, 9);
        ImageSet train = MnistReader.read(dir.resolve("train-images-idx3-ubyte.gz"),
                dir.resolve("train-labels-idx1-ubyte.gz"));
        assertEquals(50, train.count);
        assertEquals(1, train.channels);
        assertEquals(5, train.classCounts()[3]);
        assertArrayEquals(SyntheticImages.make(50, 10, 1, 28, 28, 9, 10, null).pixels, train.pixels);
        ImageSet test = MnistReader.read(dir.resolve("t10k-images-idx3-ubyte.gz"),
                dir.resolve("t10k-labels-idx1-ubyte.gz"));
        assertEquals(20, test.count);
    }

    @Test
    void wrongMagic() throws IOException {
        Path labels = dir.resolve("l");
        Files.write(labels, FormatWriters.idxLabelsBytes(set.labels));
        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxReader.readImages(labels));
        assertEquals(labels + ": wrong IDX magic 2049, expected 2051 (images) at byte offset 0", e.getMessage());
    }

    @Test
    void badDimension() throws IOException {
        byte[] bytes = FormatWriters.idxImagesBytes(set);
        ByteBuffer.wrap(bytes).putInt(8, 0);
        Path p = dir.resolve("i.gz");
        Files.write(p, FormatWriters.gzip(bytes));
        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxReader.readImages(p));
        assertEquals(p + ": bad IDX dimension 1 = 0 at byte offset 8", e.getMessage());
    }

    @Test
    void truncatedData() throws IOException {
        byte[] bytes = FormatWriters.idxImagesBytes(set);
        Path p = dir.resolve("i");
        Files.write(p, Arrays.copyOf(bytes, 16 + 5 * 784 + 10));
        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxReader.readImages(p));
        assertTrue(e.getMessage().startsWith(p + ": truncated IDX data: record 5 of 12 incomplete"), e.getMessage());
        assertTrue(e.getMessage().endsWith("at byte offset " + (16 + 5 * 784)), e.getMessage());
        Path header = dir.resolve("h");
        Files.write(header, Arrays.copyOf(bytes, 10));
        DataFormatException e2 = assertThrows(DataFormatException.class, () -> IdxReader.readImages(header));
        assertEquals(header + ": truncated IDX header at byte offset 10", e2.getMessage());
    }

    @Test
    void trailingBytes() throws IOException {
        byte[] bytes = FormatWriters.idxLabelsBytes(set.labels);
        Path p = dir.resolve("l");
        Files.write(p, Arrays.copyOf(bytes, bytes.length + 1));
        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxReader.readLabels(p));
        assertEquals(p + ": trailing bytes after 12 records at byte offset 20", e.getMessage());
    }

    @Test
    void countMismatch() throws IOException {
        Path images = dir.resolve("i.gz");
        Path labels = dir.resolve("l.gz");
        Files.write(images, FormatWriters.gzip(FormatWriters.idxImagesBytes(set)));
        Files.write(labels, FormatWriters.gzip(FormatWriters.idxLabelsBytes(Arrays.copyOf(set.labels, 11))));
        DataFormatException e = assertThrows(DataFormatException.class, () -> MnistReader.read(images, labels));
        assertEquals("image/label count mismatch: " + images + " has 12 images, " + labels + " has 11 labels",
                e.getMessage());
    }

    @Test
    void labelOutOfRange() throws IOException {
        int[] labels = set.labels.clone();
        labels[4] = 10;
        Path images = dir.resolve("i");
        Path lab = dir.resolve("l");
        Files.write(images, FormatWriters.idxImagesBytes(set));
        Files.write(lab, FormatWriters.idxLabelsBytes(labels));
        DataFormatException e = assertThrows(DataFormatException.class, () -> MnistReader.read(images, lab));
        assertEquals(lab + ": label out of range 0..9 at byte offset 12", e.getMessage());
    }

    @Test
    void emptyAndMissing() throws IOException {
        Path empty = dir.resolve("e.gz");
        Files.write(empty, new byte[0]);
        assertEquals(empty + ": empty file",
                assertThrows(DataFormatException.class, () -> IdxReader.readImages(empty)).getMessage());
        Path emptyGz = dir.resolve("e2.gz");
        Files.write(emptyGz, FormatWriters.gzip(new byte[0]));
        assertEquals(emptyGz + ": empty file",
                assertThrows(DataFormatException.class, () -> IdxReader.readLabels(emptyGz)).getMessage());
        Path missing = dir.resolve("missing");
        assertEquals(missing + ": no such file",
                assertThrows(DataFormatException.class, () -> IdxReader.readLabels(missing)).getMessage());
    }
}
