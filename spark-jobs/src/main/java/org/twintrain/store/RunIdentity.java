package org.twintrain.store;

/**
 * What makes two attempts of a training run the same computation ({@code STORE/checkpoints/RUN/run.json}):
 * the server, the training data's sharing session and a digest of the settings that decide what is computed.
 * A resumed attempt replays steps with the triples the failed attempt already opened, which reveals nothing
 * new only if it computes exactly the same values; so an attempt whose identity differs is refused.
 *
 * @param settingsDigest hex SHA-256 of the computation's settings (see the secure training job)
 */
public record RunIdentity(int formatVersion, int party, String runId, String datasetId, String sessionId,
        String settingsDigest) {

    public static final int FORMAT_VERSION = 1;
}
