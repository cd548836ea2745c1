package org.twintrain.jobs.study;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.twintrain.dataprep.format.CifarReader;
import org.twintrain.dataprep.format.CifarVariant;
import org.twintrain.dataprep.format.ImageSet;
import org.twintrain.dataprep.format.LabelKind;
import org.twintrain.dataprep.format.MnistReader;
import org.twintrain.engine.train.Dataset;
import org.twintrain.engine.train.ImageData;
import org.twintrain.engine.train.Images;

/**
 * Reads a configuration's training and dev sets inside its task with the data-prep readers: CIFAR binary files
 * (standardized with the training set's channel statistics, as the engine's TrainLocal does) or MNIST IDX
 * (scaled to [0, 1], files listed as images,labels). Paths are local files, which on a cluster means a
 * filesystem every executor mounts.
 */
final class StudyData {
    private StudyData() {
    }

    /** {train, dev}, each cut to its limit when one is set. */
    static Dataset[] load(StudyConfig.DataSpec spec) throws IOException {
        Dataset train;
        Dataset dev;
        switch (spec.format()) {
            case "cifar10", "cifar100" -> {
                CifarVariant v = spec.format().equals("cifar10") ? CifarVariant.CIFAR10 : CifarVariant.CIFAR100;
                ImageSet tr = CifarReader.read(v, LabelKind.FINE, paths(spec.train()));
                ImageSet dv = CifarReader.read(v, LabelKind.FINE, paths(spec.dev()));
                double[][] stats = ImageData.channelStats(images(tr));
                train = ImageData.standardized(images(tr), v.fineClasses, stats[0], stats[1]);
                dev = ImageData.standardized(images(dv), v.fineClasses, stats[0], stats[1]);
            }
            case "mnist" -> {
                train = ImageData.scaled(images(mnist(spec.train(), "train")), MnistReader.CLASSES);
                dev = ImageData.scaled(images(mnist(spec.dev(), "dev")), MnistReader.CLASSES);
            }
            default -> throw new IllegalArgumentException("unknown data format '" + spec.format() + "'");
        }
        return new Dataset[] {limit(train, spec.trainLimit()), limit(dev, spec.devLimit())};
    }

    private static ImageSet mnist(List<String> files, String what) throws IOException {
        if (files.size() != 2) {
            throw new IllegalArgumentException("mnist " + what + " must list two files (images, labels), got " + files.size());
        }
        return MnistReader.read(Path.of(files.get(0)), Path.of(files.get(1)));
    }

    private static Dataset limit(Dataset d, int n) {
        return n > 0 && n < d.size() ? d.head(n) : d;
    }

    private static Path[] paths(List<String> files) {
        return files.stream().map(Path::of).toArray(Path[]::new);
    }

    /** data-prep's decoded images as the engine's {@link Images} (the arrays are shared). */
    private static Images images(ImageSet s) {
        return new Images(s.channels, s.height, s.width, s.pixels, s.labels);
    }
}
