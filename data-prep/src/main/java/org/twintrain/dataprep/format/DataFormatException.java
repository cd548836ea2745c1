package org.twintrain.dataprep.format;

import java.io.IOException;

/**
 * An input file is missing, empty or malformed. The message names the file and, where it applies, the byte
 * offset (counted in the decompressed stream for gzip input) or the 1-based line number.
 */
public class DataFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public DataFormatException(String message) {
        super(message);
    }

    public DataFormatException(String message, Throwable cause) {
        super(message, cause);
    }

    /** {@code "<source>: <what> at byte offset <offset>"}. */
    public static DataFormatException atByte(String source, long offset, String what) {
        return new DataFormatException(source + ": " + what + " at byte offset " + offset);
    }

    /** {@code "<source>: <what> at line <line>"}. */
    public static DataFormatException atLine(String source, long line, String what) {
        return new DataFormatException(source + ": " + what + " at line " + line);
    }

    /** {@code "<source>: <what>"}. */
    public static DataFormatException of(String source, String what) {
        return new DataFormatException(source + ": " + what);
    }
}
