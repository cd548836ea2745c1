package org.twintrain.dataprep.format;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads two aligned UTF-8 files, one sentence a line (line i of the source translates line i of the target).
 * Lines end at LF, CR or CR LF. Invalid UTF-8, an empty file or files of different line counts are
 * {@link DataFormatException}s naming the file and line.
 */
public final class ParallelTextReader {
    private ParallelTextReader() {
    }

    /** Receives aligned sentence pairs in file order; {@code line} is 1-based. */
    @FunctionalInterface
    public interface PairConsumer {
        void accept(long line, String source, String target) throws IOException;
    }

    /** Aligned raw sentences. */
    public record ParallelText(List<String> source, List<String> target) {
        public int size() {
            return source.size();
        }
    }

    /** Reads both files into memory. */
    public static ParallelText read(Path source, Path target) throws IOException {
        List<String> src = new ArrayList<>();
        List<String> tgt = new ArrayList<>();
        forEach(source, target, (line, s, t) -> {
            src.add(s);
            tgt.add(t);
        });
        return new ParallelText(src, tgt);
    }

    /** Streams the pairs of two local files. */
    public static long forEach(Path source, Path target, PairConsumer consumer) throws IOException {
        try (InputStream s = InputStreams.open(source); InputStream t = InputStreams.open(target)) {
            return forEach(s, source.toString(), t, target.toString(), consumer);
        }
    }

    /**
     * Streams the pairs of two streams, reading both in step.
     *
     * @return the number of pairs
     */
    public static long forEach(InputStream source, String sourceName, InputStream target, String targetName,
                               PairConsumer consumer) throws IOException {
        Utf8LineReader src = new Utf8LineReader(source, sourceName);
        Utf8LineReader tgt = new Utf8LineReader(target, targetName);
        long line = 0;
        while (true) {
            String s = src.readLine();
            String t = tgt.readLine();
            if (s == null && t == null) {
                break;
            }
            if (s == null || t == null) {
                if (line == 0) {
                    throw DataFormatException.of(s == null ? sourceName : targetName, "empty file");
                }
                String shorter = s == null ? sourceName : targetName;
                String longer = s == null ? targetName : sourceName;
                throw DataFormatException.atLine(longer, line + 1, "files have different line counts: "
                        + shorter + " ends after " + line + " lines but " + longer + " goes on");
            }
            line++;
            consumer.accept(line, s, t);
        }
        if (line == 0) {
            throw DataFormatException.of(sourceName, "empty file");
        }
        return line;
    }

    /** Counts the lines of a stream (strict UTF-8), as the Spark job's alignment check. */
    public static long countLines(InputStream in, String name) throws IOException {
        Utf8LineReader reader = new Utf8LineReader(in, name);
        long lines = 0;
        while (reader.readLine() != null) {
            lines++;
        }
        return lines;
    }
}
