package org.twintrain.store;

import java.util.List;
import java.util.Map;

/**
 * The manifest of one server's model share ({@code STORE/model/RUN/manifest.json}).
 *
 * @param sessionId the sharing session of the training data, so shares of different runs are not summed
 * @param tensors   parameter names in file order
 */
public record ModelShareManifest(int formatVersion, int party, String runId, String datasetId, String sessionId,
        int fractionalBits, String model, List<String> tensors, Map<String, String> checksums)
        implements java.io.Serializable {

    public static final int FORMAT_VERSION = 1;
}
