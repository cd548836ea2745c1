package org.twintrain.store;

import java.util.Map;

/**
 * The manifest of one server's triples of one plan ({@code STORE/triples/PLAN_ID/manifest.json}), written last.
 * The binary layout of the files is {@link org.twintrain.sharing.triples.TripleFile}'s.
 *
 * @param formatVersion  {@link #FORMAT_VERSION} (the triple file format's version); a reader refuses any other
 * @param party          0 or 1: whose half the folder holds
 * @param planId         the plan's id (SHA-256 of its canonical text, also in plan.txt and every file header)
 * @param sessionId      the triple session: a random id drawn by each run of the triple job and written into both
 *                       halves' manifests, so halves of two dealings of one plan (one store overwritten) are refused
 * @param ring           always "Z_2^64"
 * @param fractionalBits fixed-point fractional bits the truncation pairs are made for
 * @param truncation     LOCAL or WRAP_FREE
 * @param layout         "seed" (party 0: one 32-byte seed expands every half), "seed+parts" (party 0 with the DCF
 *                       keys' public correction words), "parts" (party 1: materialized), or "windows" (the plan
 *                       folder of a plan dealt window by window: plan.txt only)
 * @param keys           number of keys of the plan
 * @param counts         keys per kind (MUL, SQUARE, MATMUL, AND, TRUNC, BIT)
 * @param totalBytes     bytes of all files of the folder except the manifest
 * @param checksums      SHA-256 of every file of the folder except the manifest, by file name
 * @param windowSteps    0: the folder holds the whole plan; otherwise the plan is dealt in windows of this many
 *                       steps ({@link org.twintrain.sharing.triples.TriplePlan#windows}): the plan's folder holds
 *                       plan.txt and a manifest of layout "windows", each window a folder of its own
 *                       ({@link StoreLayout#tripleWindow}) whose manifest names its window
 * @param window         the window this folder holds (-1 for the plan's folder of a windowed dealing; 0 when
 *                       windowSteps is 0)
 */
public record TripleManifest(int formatVersion, int party, String planId, String sessionId, String ring,
        int fractionalBits,
        String truncation, String layout, int keys, Map<String, Integer> counts, long totalBytes,
        Map<String, String> checksums, int windowSteps, int window) {

    /** The layout of a windowed plan's own folder. */
    public static final String WINDOWS = "windows";

    /** Whether this is the plan folder of a plan dealt window by window. */
    public boolean windowed() {
        return windowSteps > 0;
    }

    public static final int FORMAT_VERSION = org.twintrain.sharing.triples.TripleFile.FORMAT_VERSION;
    public static final String RING = "Z_2^64";
}
