package org.twintrain.dataprep.format;

import java.io.IOException;
import java.nio.file.Path;

/** MNIST: an IDX images file and an IDX labels file of equal count, labels 0..9, as a 1-channel {@link ImageSet}. */
public final class MnistReader {
    public static final int CLASSES = 10;

    private MnistReader() {
    }

    /** Reads and pairs the two files, checking the counts match and every label is a digit. */
    public static ImageSet read(Path imagesPath, Path labelsPath) throws IOException {
        IdxReader.Images images = IdxReader.readImages(imagesPath);
        int[] labels = IdxReader.readLabels(labelsPath);
        if (labels.length != images.count()) {
            throw new DataFormatException("image/label count mismatch: " + imagesPath + " has " + images.count()
                    + " images, " + labelsPath + " has " + labels.length + " labels");
        }
        checkLabels(labels, labelsPath.toString(), 0);
        return new ImageSet(images.count(), 1, images.rows(), images.cols(), images.pixels(), labels,
                CifarReader.numberedNames(CLASSES));
    }

    /**
     * Checks labels are 0..9.
     *
     * @param firstIndex index of {@code labels[0]} in its file (its byte offset is 8 + index)
     */
    public static void checkLabels(int[] labels, String source, long firstIndex) throws DataFormatException {
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= CLASSES) {
                throw DataFormatException.atByte(source, 8 + firstIndex + i, "label out of range 0..9");
            }
        }
    }
}
