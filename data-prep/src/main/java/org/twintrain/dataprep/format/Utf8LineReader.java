package org.twintrain.dataprep.format;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads lines of strict UTF-8 (lines end at LF, CR or CR LF), decoding each line on its own so that an invalid
 * byte sequence is reported at its line.
 */
final class Utf8LineReader {
    private final InputStream in;
    private final String source;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private long lineNumber;
    private int pushedBack = -1;

    Utf8LineReader(InputStream in, String source) {
        this.in = in instanceof BufferedInputStream ? in : new BufferedInputStream(in, 1 << 16);
        this.source = source;
    }

    /** The next line without its terminator, or null at end of stream. */
    String readLine() throws IOException {
        line.reset();
        int b = pushedBack >= 0 ? pushedBack : in.read();
        pushedBack = -1;
        if (b < 0) {
            return null;
        }
        while (b >= 0 && b != '\n' && b != '\r') {
            line.write(b);
            b = in.read();
        }
        if (b == '\r') {
            int next = in.read();
            if (next != '\n') {
                pushedBack = next;
            }
        }
        lineNumber++;
        try {
            return decoder.decode(ByteBuffer.wrap(line.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw DataFormatException.atLine(source, lineNumber, "invalid UTF-8");
        }
    }
}
