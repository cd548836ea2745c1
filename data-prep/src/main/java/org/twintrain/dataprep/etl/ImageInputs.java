package org.twintrain.dataprep.etl;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.twintrain.dataprep.format.CifarReader;
import org.twintrain.dataprep.format.CifarVariant;
import org.twintrain.dataprep.format.DataFormatException;
import org.twintrain.dataprep.format.DigitsReader;
import org.twintrain.dataprep.format.IdxHeader;
import org.twintrain.dataprep.format.InputStreams;
import org.twintrain.dataprep.format.LabelKind;
import org.twintrain.dataprep.format.MnistReader;

/**
 * Finds the image files of a data set on any Hadoop file system and plans them into {@link ImageChunk}s.
 * Split names: training files give {@code train}; test files give {@code dev} if their name contains "dev"
 * (e.g. {@code test_batch_dev.bin}, {@code t10k-dev-images-idx3-ubyte.gz}), otherwise {@code test}.
 * Checks done here, before any task runs: missing or empty files, a {@code .bin} length that is not a whole
 * number of records, IDX magic and dimensions, image/label count mismatch.
 */
final class ImageInputs {
    private static final Pattern IDX_IMAGES = Pattern.compile("(.+)-images-idx3-ubyte(\\.gz)?");

    /** One input file (or tar entry) of one split. */
    record Source(ImageChunk.Kind kind, String split, String path, String entry, String labelsPath, long records,
                  long firstRecord) {
        Source(ImageChunk.Kind kind, String split, String path, String entry, String labelsPath, long records) {
            this(kind, split, path, entry, labelsPath, records, 0);
        }
    }

    /** Share of a single optical digits file that forms split train (its first rows); the rest is split test. */
    static final double DIGITS_TRAIN_FRACTION = 0.8;

    final List<Source> sources = new ArrayList<>();
    /** Every file read, for the manifest's checksums. */
    final List<Path> files = new ArrayList<>();
    String[] classNames;
    int channels;
    int height;
    int width;

    static ImageInputs discover(String dataset, String input, LabelKind kind, Configuration conf)
            throws IOException {
        FileSystem fs = new Path(input).getFileSystem(conf);
        Path root = fs.makeQualified(new Path(input));
        if (!fs.exists(root)) {
            throw DataFormatException.of(input, "no such file or folder");
        }
        ImageInputs in = new ImageInputs();
        if (dataset.equals("mnist")) {
            in.discoverMnist(fs, root);
        } else if (dataset.equals("digits")) {
            in.discoverDigits(fs, root);
        } else {
            CifarVariant variant = dataset.equals("cifar10") ? CifarVariant.CIFAR10 : CifarVariant.CIFAR100;
            if (fs.getFileStatus(root).isFile()) {
                in.discoverTarball(fs, root, variant, kind);
            } else {
                in.discoverCifarFolder(fs, root, variant, kind);
            }
        }
        if (in.sources.stream().noneMatch(s -> s.split().equals("train"))) {
            throw DataFormatException.of(input, "no training files for " + dataset);
        }
        return in;
    }

    static String evalSplit(String fileName) {
        return fileName.contains("dev") ? "dev" : "test";
    }

    private void discoverCifarFolder(FileSystem fs, Path root, CifarVariant variant, LabelKind kind)
            throws IOException {
        setCifarShape();
        for (FileStatus st : sortedFiles(fs, root)) {
            String name = st.getPath().getName();
            boolean train = variant.isTrainFile(name);
            if (!train && !variant.isTestFile(name)) {
                continue;
            }
            long len = st.getLen();
            if (len == 0) {
                throw DataFormatException.of(st.getPath().toString(), "empty file");
            }
            if (len % variant.recordSize() != 0) {
                throw DataFormatException.atByte(st.getPath().toString(), len / variant.recordSize() * variant.recordSize(),
                        "truncated record (" + len % variant.recordSize() + " of " + variant.recordSize() + " bytes)");
            }
            sources.add(new Source(ImageChunk.Kind.CIFAR_BIN, train ? "train" : evalSplit(name),
                    st.getPath().toString(), null, null, len / variant.recordSize()));
            files.add(st.getPath());
        }
        Path meta = new Path(root, variant.metaFile(kind));
        if (fs.exists(meta)) {
            try (InputStream m = fs.open(meta)) {
                classNames = CifarReader.parseClassNames(m);
            }
            files.add(meta);
        }
        checkClassNames(variant.classes(kind), variant.metaFile(kind));
    }

    private void discoverTarball(FileSystem fs, Path tarball, CifarVariant variant, LabelKind kind)
            throws IOException {
        setCifarShape();
        Map<String, String[]> metas = new HashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(fs.open(tarball), 1 << 16))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (!entry.isFile()) {
                    continue;
                }
                String name = new Path(entry.getName()).getName();
                String where = tarball + "!" + entry.getName();
                boolean train = variant.isTrainFile(name);
                if (train || variant.isTestFile(name)) {
                    long len = entry.getSize();
                    if (len == 0) {
                        throw DataFormatException.of(where, "empty file");
                    }
                    if (len % variant.recordSize() != 0) {
                        throw DataFormatException.atByte(where, len / variant.recordSize() * variant.recordSize(),
                                "truncated record");
                    }
                    sources.add(new Source(ImageChunk.Kind.CIFAR_TAR_ENTRY, train ? "train" : evalSplit(name),
                            tarball.toString(), entry.getName(), null, len / variant.recordSize()));
                } else if (name.endsWith(".txt")) {
                    metas.put(name, CifarReader.parseClassNames(tar));
                }
            }
        } catch (java.util.zip.ZipException e) {
            throw DataFormatException.of(tarball.toString(), "not a gzip tarball: " + e.getMessage());
        }
        files.add(tarball);
        classNames = metas.get(variant.metaFile(kind));
        checkClassNames(variant.classes(kind), variant.metaFile(kind));
    }

    private void discoverMnist(FileSystem fs, Path root) throws IOException {
        for (FileStatus st : sortedFiles(fs, root)) {
            Matcher m = IDX_IMAGES.matcher(st.getPath().getName());
            if (!m.matches()) {
                continue;
            }
            String prefix = m.group(1);
            Path images = st.getPath();
            Path labels = new Path(root, prefix + "-labels-idx1-ubyte" + (m.group(2) == null ? "" : m.group(2)));
            if (!fs.exists(labels)) {
                throw DataFormatException.of(labels.toString(), "no such file (labels for " + images.getName() + ")");
            }
            IdxHeader ih = header(fs, images, IdxHeader.IMAGES_MAGIC);
            IdxHeader lh = header(fs, labels, IdxHeader.LABELS_MAGIC);
            if (ih.count() != lh.count()) {
                throw new DataFormatException("image/label count mismatch: " + images + " has " + ih.count()
                        + " images, " + labels + " has " + lh.count() + " labels");
            }
            if (channels == 0) {
                channels = 1;
                height = ih.dims()[1];
                width = ih.dims()[2];
            } else if (height != ih.dims()[1] || width != ih.dims()[2]) {
                throw DataFormatException.atByte(images.toString(), 8, "image size differs from the other files");
            }
            String split = prefix.equals("train") ? "train" : evalSplit(prefix);
            sources.add(new Source(ImageChunk.Kind.IDX, split, images.toString(), null, labels.toString(), ih.count()));
            files.add(images);
            files.add(labels);
        }
        classNames = CifarReader.numberedNames(MnistReader.CLASSES);
    }

    /**
     * The optical digits: a single file is split by position (the first {@link #DIGITS_TRAIN_FRACTION} train,
     * the rest test); a folder's {@code *.tra} files are train and {@code *.tes} files test (the UCI release).
     */
    private void discoverDigits(FileSystem fs, Path root) throws IOException {
        channels = 1;
        height = DigitsReader.SIDE;
        width = DigitsReader.SIDE;
        classNames = CifarReader.numberedNames(DigitsReader.CLASSES);
        if (fs.getFileStatus(root).isFile()) {
            long n = digitsCount(fs, root);
            long train = (long) Math.floor(n * DIGITS_TRAIN_FRACTION);
            if (train == 0 || train == n) {
                throw DataFormatException.of(root.toString(), n + " records: too few to hold out a test part");
            }
            sources.add(new Source(ImageChunk.Kind.DIGITS_CSV, "train", root.toString(), null, null, train, 0));
            sources.add(new Source(ImageChunk.Kind.DIGITS_CSV, "test", root.toString(), null, null, n - train, train));
            files.add(root);
            return;
        }
        for (FileStatus st : sortedFiles(fs, root)) {
            String name = st.getPath().getName().replaceFirst("\\.gz$", "");
            String split = name.endsWith(".tra") ? "train" : name.endsWith(".tes") ? evalSplit(name) : null;
            if (split != null) {
                sources.add(new Source(ImageChunk.Kind.DIGITS_CSV, split, st.getPath().toString(), null, null,
                        digitsCount(fs, st.getPath())));
                files.add(st.getPath());
            }
        }
    }

    private static long digitsCount(FileSystem fs, Path path) throws IOException {
        try (InputStream in = fs.open(path)) {
            return DigitsReader.read(in, path.toString()).count;
        }
    }

    private static IdxHeader header(FileSystem fs, Path path, int magic) throws IOException {
        try (InputStream in = InputStreams.maybeGunzip(fs.open(path), path.toString())) {
            return IdxHeader.read(in, path.toString(), magic);
        }
    }

    private void setCifarShape() {
        channels = CifarVariant.CHANNELS;
        height = CifarVariant.SIDE;
        width = CifarVariant.SIDE;
    }

    private void checkClassNames(int classes, String metaFile) throws DataFormatException {
        if (classNames == null) {
            classNames = CifarReader.numberedNames(classes);
        } else if (classNames.length != classes) {
            throw new DataFormatException("meta file " + metaFile + " has " + classNames.length
                    + " class names, expected " + classes);
        }
    }

    /** Files of a folder in natural order (data_batch_2 before data_batch_10). */
    private static List<FileStatus> sortedFiles(FileSystem fs, Path root) throws IOException {
        List<FileStatus> out = new ArrayList<>();
        for (FileStatus st : fs.listStatus(root)) {
            if (st.isFile()) {
                out.add(st);
            }
        }
        out.sort(Comparator.comparing((FileStatus st) -> st.getPath().getName().length())
                .thenComparing(st -> st.getPath().getName()));
        return out;
    }

    /**
     * Cuts the sources into chunks of at most {@code perChunk} records (tar entries stay whole) and numbers
     * the rows of each split from 0 in file order.
     */
    List<ImageChunk> plan(long perChunk) {
        List<ImageChunk> chunks = new ArrayList<>();
        Map<String, Long> nextId = new LinkedHashMap<>();
        for (Source s : sources) {
            long base = nextId.getOrDefault(s.split(), 0L);
            long step = s.kind() == ImageChunk.Kind.CIFAR_TAR_ENTRY ? s.records() : perChunk;
            for (long first = 0; first < s.records(); first += step) {
                int count = (int) Math.min(step, s.records() - first);
                chunks.add(new ImageChunk(s.kind(), s.split(), s.path(), s.entry(), s.labelsPath(),
                        s.firstRecord() + first, count, base + first));
            }
            nextId.put(s.split(), base + s.records());
        }
        return chunks;
    }

    long totalRecords() {
        return sources.stream().mapToLong(Source::records).sum();
    }
}
