package org.twintrain.dataprep.format;

import java.io.IOException;
import java.io.InputStream;

/**
 * Decodes CIFAR records one at a time from a stream, checking every label byte (also the one not used) and
 * reporting truncation with the byte offset of the incomplete record. The Spark job uses this on a stream that
 * was positioned at a record boundary, passing that offset so errors still name the true position.
 */
public final class CifarRecordStream {
    private final InputStream in;
    private final String source;
    private final CifarVariant variant;
    private final LabelKind kind;
    private final byte[] record;
    private long offset;

    /**
     * @param in          positioned at a record boundary
     * @param source      file name for error messages
     * @param startOffset byte offset of {@code in}'s position within the file
     */
    public CifarRecordStream(InputStream in, String source, long startOffset, CifarVariant variant, LabelKind kind) {
        variant.checkKind(kind);
        this.in = in;
        this.source = source;
        this.variant = variant;
        this.kind = kind;
        this.record = new byte[variant.recordSize()];
        this.offset = startOffset;
    }

    /**
     * Reads the next record's pixels (3072 bytes, CHW) into {@code pixels} at {@code off}.
     *
     * @return the label of the chosen kind, or -1 at a clean end of stream
     */
    public int next(byte[] pixels, int off) throws IOException {
        int n = InputStreams.readFully(in, record, 0, record.length);
        if (n == 0) {
            return -1;
        }
        if (n < record.length) {
            throw DataFormatException.atByte(source, offset, "truncated record (" + n + " of " + record.length
                    + " bytes)");
        }
        int label;
        if (variant == CifarVariant.CIFAR10) {
            label = checkLabel(record[0] & 0xFF, variant.fineClasses, "label", offset);
        } else {
            int coarse = checkLabel(record[0] & 0xFF, variant.coarseClasses, "coarse label", offset);
            int fine = checkLabel(record[1] & 0xFF, variant.fineClasses, "fine label", offset + 1);
            label = kind == LabelKind.FINE ? fine : coarse;
        }
        System.arraycopy(record, variant.labelBytes, pixels, off, CifarVariant.PIXELS);
        offset += record.length;
        return label;
    }

    /** Byte offset of the next record. */
    public long offset() {
        return offset;
    }

    private int checkLabel(int label, int classes, String what, long at) throws DataFormatException {
        if (label >= classes) {
            // The value itself is data: the message gives only the range.
            throw DataFormatException.atByte(source, at, what + " out of range 0.." + (classes - 1));
        }
        return label;
    }
}
