package org.twintrain.engine.archfixture;

import java.io.IOException;
import java.nio.file.Path;
import org.twintrain.dataprep.format.ImageSet;
import org.twintrain.dataprep.format.MnistReader;

/** A test fixture that breaks the engine's rule on purpose (reads a data-prep reader); see ArchitectureRulesFailTest. */
public final class EngineClassReadingDataPrep {
    private EngineClassReadingDataPrep() {
    }

    static ImageSet read(Path images, Path labels) throws IOException {
        return MnistReader.read(images, labels);
    }
}
