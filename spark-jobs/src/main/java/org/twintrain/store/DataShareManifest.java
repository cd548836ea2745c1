package org.twintrain.store;

import java.util.List;
import java.util.Map;

/**
 * The manifest of one server's half of a shared data set ({@code STORE/data/NAME/manifest.json}).
 *
 * @param formatVersion     {@link #FORMAT_VERSION}; a reader refuses any other
 * @param party             0 or 1: whose half this is
 * @param datasetId         names the data set (the prepared data's id)
 * @param sessionId         random id of the sharing run; both halves of one run carry the same one, and
 *                          halves of different runs are refused together
 * @param ring              always "Z_2^64"
 * @param fractionalBits    fixed-point fractional bits of the encoding
 * @param features          feature count per row
 * @param classes           label classes (labels are shared one-hot, {@code classes} values per row)
 * @param layout            how the half is held: "seeds" (party 0: expanded from per-partition PRG seeds) or
 *                          "parquet" (party 1: materialized)
 * @param partitions        row count per partition, in partition order
 * @param rows              total rows
 * @param checksums         SHA-256 of every data file, by file name
 */
public record DataShareManifest(int formatVersion, int party, String datasetId, String sessionId, String ring,
        int fractionalBits, int features, int classes, String layout, List<Integer> partitions, long rows,
        Map<String, String> checksums) implements java.io.Serializable {

    public static final int FORMAT_VERSION = 1;
    public static final String RING = "Z_2^64";
}
