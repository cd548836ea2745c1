package org.twintrain.dataprep.etl;

import java.io.Serializable;

/**
 * A range of records in one input file, decoded by one Spark task. For a {@code .bin} or IDX file the range is
 * any slice (plain files are seeked; gzip files are decompressed and skipped to it); a tar entry is decoded whole;
 * an optical digits file (small) is parsed whole and the slice taken from it.
 */
record ImageChunk(Kind kind, String split, String path, String entry, String labelsPath, long firstRecord,
                  int count, long firstId) implements Serializable {
    enum Kind { CIFAR_BIN, CIFAR_TAR_ENTRY, IDX, DIGITS_CSV }
}
