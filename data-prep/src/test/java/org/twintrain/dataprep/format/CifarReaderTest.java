package org.twintrain.dataprep.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.twintrain.dataprep.generate.FormatWriters;
import org.twintrain.dataprep.generate.Generators;
import org.twintrain.dataprep.generate.SyntheticImages;

class CifarReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsGeneratedCifar10BatchesWithMetaNames() throws IOException {
        Generators.cifar10(dir, 2, 30, 20, 7, false);
        ImageSet set = CifarReader.read(CifarVariant.CIFAR10, LabelKind.FINE,
                dir.resolve("data_batch_1.bin"), dir.resolve("data_batch_2.bin"));
        assertEquals(60, set.count);
        assertEquals(3, set.channels);
        assertEquals(32, set.height);
        assertEquals(32, set.width);
        assertArrayEquals(Generators.CIFAR10_NAMES.toArray(), set.classNames);
        long[] perClass = set.classCounts();
        assertEquals(60, Arrays.stream(perClass).sum());
        // Same generator call as Generators.cifar10 for batch 1: pixels and labels must come back unchanged.
        ImageSet batch1 = SyntheticImages.make(30, 10, 3, 32, 32, 7, 8, null);
        assertArrayEquals(batch1.labels, Arrays.copyOf(set.labels, 30));
        assertArrayEquals(batch1.pixels, Arrays.copyOf(set.pixels, 30 * 3072));
    }

    @Test
    void handBuiltRecordFollowsTheReleaseLayout() throws IOException {
        // Built byte by byte, not with the generator's writer: label, then R, G, B planes of 32x32 row-major.
        byte[] record = new byte[3073];
        record[0] = 7;
        Arrays.fill(record, 1, 1025, (byte) 10);
        Arrays.fill(record, 1025, 2049, (byte) 20);
        Arrays.fill(record, 2049, 3073, (byte) 200);
        record[1025 + 32 + 2] = 99; // green, row 1, column 2
        Path bin = dir.resolve("data_batch_1.bin");
        Files.write(bin, record);
        ImageSet set = CifarReader.read(CifarVariant.CIFAR10, LabelKind.FINE, bin);
        assertEquals(7, set.labels[0]);
        assertEquals(10, set.pixel(0, 0, 31, 31));
        assertEquals(20, set.pixel(0, 1, 0, 0));
        assertEquals(99, set.pixel(0, 1, 1, 2));
        assertEquals(200, set.pixel(0, 2, 5, 5));
    }

    @Test
    void tarballGivesTheSameImagesAsTheFolder() throws IOException {
        Generators.cifar10(dir, 2, 25, 15, 3, true);
        Path tarball = dir.resolve("cifar-10-binary.tar.gz");
        ImageSet fromTar = CifarReader.readTarball(tarball, CifarVariant.CIFAR10, LabelKind.FINE, true);
        ImageSet fromBins = CifarReader.read(CifarVariant.CIFAR10, LabelKind.FINE,
                dir.resolve("data_batch_1.bin"), dir.resolve("data_batch_2.bin"));
        assertArrayEquals(fromBins.pixels, fromTar.pixels);
        assertArrayEquals(fromBins.labels, fromTar.labels);
        assertArrayEquals(fromBins.classNames, fromTar.classNames);
        ImageSet test = CifarReader.readTarball(tarball, CifarVariant.CIFAR10, LabelKind.FINE, false);
        assertEquals(15, test.count);
    }

    @Test
    void cifar100FineAndCoarseLabels() throws IOException {
        Generators.cifar100(dir, 200, 100, 5, true);
        ImageSet fine = CifarReader.read(CifarVariant.CIFAR100, LabelKind.FINE, dir.resolve("train.bin"));
        ImageSet coarse = CifarReader.read(CifarVariant.CIFAR100, LabelKind.COARSE, dir.resolve("train.bin"));
        assertEquals(200, fine.count);
        assertEquals(100, fine.classNames.length);
        assertEquals(20, coarse.classNames.length);
        assertEquals("fine_07", fine.classNames[7]);
        assertEquals("coarse_19", coarse.classNames[19]);
        for (int i = 0; i < fine.count; i++) {
            assertEquals(fine.labels[i] / Generators.FINE_PER_COARSE, coarse.labels[i]);
        }
        assertArrayEquals(fine.pixels, coarse.pixels);
        ImageSet tarCoarse = CifarReader.readTarball(dir.resolve("cifar-100-binary.tar.gz"), CifarVariant.CIFAR100,
                LabelKind.COARSE, false);
        assertEquals(100, tarCoarse.count);
        assertEquals(20, tarCoarse.classNames.length);
    }

    @Test
    void withoutMetaFileNamesAreNumbers() throws IOException {
        ImageSet set = SyntheticImages.make(4, 10, 3, 32, 32, 1, 2, null);
        Path bin = dir.resolve("data_batch_1.bin");
        Files.write(bin, FormatWriters.cifarBytes(set, CifarVariant.CIFAR10, null));
        ImageSet read = CifarReader.read(CifarVariant.CIFAR10, LabelKind.FINE, bin);
        assertEquals("3", read.classNames[3]);
        assertEquals(10, read.classNames.length);
    }

    @Test
    void truncatedRecordNamesFileAndOffset() throws IOException {
        ImageSet set = SyntheticImages.make(3, 10, 3, 32, 32, 1, 2, null);
        byte[] bytes = FormatWriters.cifarBytes(set, CifarVariant.CIFAR10, null);
        Path bin = dir.resolve("data_batch_1.bin");
        Files.write(bin, Arrays.copyOf(bytes, 2 * 3073 + 100));
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> CifarReader.read(CifarVariant.CIFAR10, LabelKind.FINE, bin));
        assertTrue(e.getMessage().contains(bin.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("truncated record"), e.getMessage());
        assertTrue(e.getMessage().contains("byte offset 6146"), e.getMessage());
    }

    @Test
    void labelOutOfRangeNamesFileAndOffset() throws IOException {
        ImageSet set = SyntheticImages.make(3, 10, 3, 32, 32, 1, 2, null);
        byte[] bytes = FormatWriters.cifarBytes(set, CifarVariant.CIFAR10, null);
        bytes[3073] = 10;
        Path bin = dir.resolve("data_batch_1.bin");
        Files.write(bin, bytes);
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> CifarReader.read(CifarVariant.CIFAR10, LabelKind.FINE, bin));
        assertTrue(e.getMessage().contains(bin + ": label out of range 0..9 at byte offset 3073"), e.getMessage());
    }

    @Test
    void cifar100FineLabelOutOfRangeEvenWhenCoarseIsChosen() throws IOException {
        ImageSet set = SyntheticImages.make(2, 100, 3, 32, 32, 1, 2, null);
        byte[] bytes = FormatWriters.cifarBytes(set, CifarVariant.CIFAR100, new int[] {0, 0});
        bytes[3074 + 1] = (byte) 100;
        Path bin = dir.resolve("train.bin");
        Files.write(bin, bytes);
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> CifarReader.read(CifarVariant.CIFAR100, LabelKind.COARSE, bin));
        assertTrue(e.getMessage().contains("fine label out of range 0..99 at byte offset 3075"), e.getMessage());
    }

    @Test
    void emptyAndMissingFiles() throws IOException {
        Path empty = dir.resolve("data_batch_1.bin");
        Files.write(empty, new byte[0]);
        DataFormatException e1 = assertThrows(DataFormatException.class,
                () -> CifarReader.read(CifarVariant.CIFAR10, LabelKind.FINE, empty));
        assertEquals(empty + ": empty file", e1.getMessage());
        Path missing = dir.resolve("nope.bin");
        DataFormatException e2 = assertThrows(DataFormatException.class,
                () -> CifarReader.read(CifarVariant.CIFAR10, LabelKind.FINE, missing));
        assertEquals(missing + ": no such file", e2.getMessage());
        DataFormatException e3 = assertThrows(DataFormatException.class,
                () -> CifarReader.readTarball(missing, CifarVariant.CIFAR10, LabelKind.FINE, true));
        assertEquals(missing + ": no such file", e3.getMessage());
    }

    @Test
    void cifar10HasNoCoarseLabel() {
        assertThrows(IllegalArgumentException.class,
                () -> CifarReader.read(CifarVariant.CIFAR10, LabelKind.COARSE, dir.resolve("x.bin")));
    }
}
