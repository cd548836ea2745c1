package org.twintrain.store;

import java.util.List;
import java.util.Map;

/**
 * The manifest of one server's checkpoint of a training run ({@code STORE/checkpoints/RUN/step-N/manifest.json}),
 * written last: a checkpoint folder without it is incomplete and never loaded.
 *
 * @param step        global steps done when it was written; the run continues at this step
 * @param sessionId   the sharing session of the training data: a checkpoint is loaded only for the same data
 * @param params      parameter names in {@code params.bin} order
 * @param velocities  names of the optimizer's velocity shares in {@code velocities.bin} order
 * @param checksums   SHA-256 of params.bin and velocities.bin
 */
public record CheckpointManifest(int formatVersion, int party, String runId, long step, String datasetId,
        String sessionId, int fractionalBits, String model, List<String> params, List<String> velocities,
        Map<String, String> checksums) {

    public static final int FORMAT_VERSION = 1;
}
