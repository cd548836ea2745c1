package org.twintrain.dataprep.format;

import java.util.regex.Pattern;

/**
 * The two CIFAR binary layouts. A record is the label byte(s) then 3072 pixel bytes: 1024 red, 1024 green,
 * 1024 blue, each 32x32 row-major. CIFAR-10 has one label byte (0..9); CIFAR-100 has the coarse label (0..19)
 * then the fine label (0..99).
 */
public enum CifarVariant {
    CIFAR10(1, 10, 0, "batches.meta.txt", null,
            Pattern.compile("data_batch_\\d+\\.bin"), Pattern.compile("test_batch.*\\.bin")),
    CIFAR100(2, 100, 20, "fine_label_names.txt", "coarse_label_names.txt",
            Pattern.compile("train\\.bin"), Pattern.compile("test.*\\.bin"));

    public static final int CHANNELS = 3;
    public static final int SIDE = 32;
    public static final int PIXELS = CHANNELS * SIDE * SIDE;

    /** Label bytes before the pixels of each record. */
    public final int labelBytes;
    /** Number of fine classes (the only label of CIFAR-10). */
    public final int fineClasses;
    /** Number of coarse classes (0 for CIFAR-10). */
    public final int coarseClasses;
    final String fineMeta;
    final String coarseMeta;
    private final Pattern trainFile;
    private final Pattern testFile;

    CifarVariant(int labelBytes, int fineClasses, int coarseClasses, String fineMeta, String coarseMeta,
                 Pattern trainFile, Pattern testFile) {
        this.labelBytes = labelBytes;
        this.fineClasses = fineClasses;
        this.coarseClasses = coarseClasses;
        this.fineMeta = fineMeta;
        this.coarseMeta = coarseMeta;
        this.trainFile = trainFile;
        this.testFile = testFile;
    }

    /** Bytes per record: label bytes plus 3072 pixel bytes. */
    public int recordSize() {
        return labelBytes + PIXELS;
    }

    /** Number of classes for the chosen label kind; CIFAR-10 has only {@link LabelKind#FINE}. */
    public int classes(LabelKind kind) {
        checkKind(kind);
        return kind == LabelKind.FINE ? fineClasses : coarseClasses;
    }

    /** Name of the meta file with the class names of that label kind. */
    public String metaFile(LabelKind kind) {
        checkKind(kind);
        return kind == LabelKind.FINE ? fineMeta : coarseMeta;
    }

    /** Whether a file name (without folder) is a training batch of the release layout. */
    public boolean isTrainFile(String fileName) {
        return trainFile.matcher(fileName).matches();
    }

    /** Whether a file name (without folder) is a test batch of the release layout (also e.g. {@code test_dev.bin}). */
    public boolean isTestFile(String fileName) {
        return testFile.matcher(fileName).matches();
    }

    void checkKind(LabelKind kind) {
        if (this == CIFAR10 && kind != LabelKind.FINE) {
            throw new IllegalArgumentException("CIFAR-10 has only one label; use LabelKind.FINE");
        }
    }
}
