package org.twintrain.dataprep.format;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads CIFAR-10 / CIFAR-100 binary batches from {@code .bin} files or straight from the release tarball
 * ({@code cifar-10-binary.tar.gz}, {@code cifar-100-binary.tar.gz}). Class names come from the meta file
 * ({@code batches.meta.txt}, {@code fine_label_names.txt}, {@code coarse_label_names.txt}) beside the first
 * batch or inside the tarball; without one, the names are the label numbers.
 */
public final class CifarReader {
    private CifarReader() {
    }

    /** Reads and concatenates the given batch files, in order. */
    public static ImageSet read(CifarVariant variant, LabelKind kind, Path... files) throws IOException {
        variant.checkKind(kind);
        if (files.length == 0) {
            throw new IllegalArgumentException("no CIFAR files given");
        }
        ByteArrayOutputStream pixels = new ByteArrayOutputStream();
        List<Integer> labels = new ArrayList<>();
        for (Path file : files) {
            long size = Files.exists(file) ? Files.size(file) : -1;
            if (size == 0) {
                throw DataFormatException.of(file.toString(), "empty file");
            }
            try (InputStream in = InputStreams.open(file)) {
                decode(in, file.toString(), variant, kind, pixels, labels);
            }
        }
        Path parent = files[0].toAbsolutePath().getParent();
        String[] names = parent == null ? null : readClassNames(parent.resolve(variant.metaFile(kind)));
        return toImageSet(variant, kind, pixels, labels, names);
    }

    /**
     * Reads one split of a release tarball: the training batches ({@code data_batch_N.bin} / {@code train.bin})
     * or the test batches ({@code test_batch*.bin} / {@code test*.bin}), in tarball order.
     */
    public static ImageSet readTarball(Path tarball, CifarVariant variant, LabelKind kind, boolean train)
            throws IOException {
        variant.checkKind(kind);
        ByteArrayOutputStream pixels = new ByteArrayOutputStream();
        List<Integer> labels = new ArrayList<>();
        Map<String, String[]> metas = new HashMap<>();
        int batches = 0;
        try (InputStream raw = InputStreams.open(tarball);
             TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(raw, 1 << 16))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (!entry.isFile()) {
                    continue;
                }
                String name = baseName(entry.getName());
                String source = tarball + "!" + entry.getName();
                if (train ? variant.isTrainFile(name) : variant.isTestFile(name)) {
                    if (entry.getSize() == 0) {
                        throw DataFormatException.of(source, "empty file");
                    }
                    decode(tar, source, variant, kind, pixels, labels);
                    batches++;
                } else if (name.endsWith(".txt")) {
                    metas.put(name, parseClassNames(InputStreams.uncloseable(tar)));
                }
            }
        } catch (java.util.zip.ZipException e) {
            throw DataFormatException.of(tarball.toString(), "not a gzip tarball: " + e.getMessage());
        }
        if (batches == 0) {
            throw DataFormatException.of(tarball.toString(), "no " + (train ? "training" : "test")
                    + " batch for " + variant + " in the tarball");
        }
        return toImageSet(variant, kind, pixels, labels, metas.get(variant.metaFile(kind)));
    }

    /** Class names from a meta file, one a line, blank lines ignored; null if the file does not exist. */
    public static String[] readClassNames(Path metaFile) throws IOException {
        if (!Files.isRegularFile(metaFile)) {
            return null;
        }
        try (InputStream in = Files.newInputStream(metaFile)) {
            return parseClassNames(in);
        }
    }

    /** Class names from meta-file content: one a line, trimmed, blank lines ignored. */
    public static String[] parseClassNames(InputStream in) throws IOException {
        List<String> names = new ArrayList<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        while ((line = reader.readLine()) != null) {
            if (!line.isBlank()) {
                names.add(line.trim());
            }
        }
        return names.toArray(new String[0]);
    }

    /** The label numbers as names, for sets without a meta file. */
    public static String[] numberedNames(int classes) {
        String[] names = new String[classes];
        for (int i = 0; i < classes; i++) {
            names[i] = Integer.toString(i);
        }
        return names;
    }

    static String baseName(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }

    private static void decode(InputStream in, String source, CifarVariant variant, LabelKind kind,
                               ByteArrayOutputStream pixels, List<Integer> labels) throws IOException {
        CifarRecordStream records = new CifarRecordStream(in, source, 0, variant, kind);
        byte[] image = new byte[CifarVariant.PIXELS];
        int label;
        while ((label = records.next(image, 0)) >= 0) {
            pixels.write(image, 0, image.length);
            labels.add(label);
        }
    }

    private static ImageSet toImageSet(CifarVariant variant, LabelKind kind, ByteArrayOutputStream pixels,
                                       List<Integer> labels, String[] names) throws DataFormatException {
        int classes = variant.classes(kind);
        if (names == null) {
            names = numberedNames(classes);
        } else if (names.length != classes) {
            throw new DataFormatException("meta file " + variant.metaFile(kind) + " has " + names.length
                    + " class names, expected " + classes);
        }
        int[] labelArray = labels.stream().mapToInt(Integer::intValue).toArray();
        return new ImageSet(labelArray.length, CifarVariant.CHANNELS, CifarVariant.SIDE, CifarVariant.SIDE,
                pixels.toByteArray(), labelArray, names);
    }
}
