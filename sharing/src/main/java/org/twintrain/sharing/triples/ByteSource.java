package org.twintrain.sharing.triples;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Positioned reads of the files of one store folder, so that {@link StoredTripleSource} needs no Spark or
 * Hadoop: {@link #folder} serves a local java.nio folder (tests, the demo), and the jobs adapt a Hadoop
 * FileSystem folder (whose streams support positioned reads) to the same interface. A source may hold files
 * open between reads; {@link StoredTripleSource} closes it when the run moves past its window or closes.
 */
public interface ByteSource extends Closeable {

    /** Names of the files directly in the folder, sorted. */
    List<String> list() throws IOException;

    /** Size in bytes of a file; {@link NoSuchFileException} if it does not exist. */
    long size(String name) throws IOException;

    /** Reads into.length bytes of a file from position, or fails (an EOFException past the end). */
    void readFully(String name, long position, byte[] into) throws IOException;

    /** Reads a whole (small) file. */
    default byte[] readAll(String name) throws IOException {
        long size = size(name);
        if (size > Integer.MAX_VALUE - 16) {
            throw new IOException(name + " is too large to read whole (" + size + " bytes)");
        }
        byte[] b = new byte[(int) size];
        readFully(name, 0, b);
        return b;
    }

    /** Releases what the source holds open (nothing, by default); reads after it still work. */
    @Override
    default void close() throws IOException {
    }

    /** A local folder. */
    static ByteSource folder(Path dir) {
        return new ByteSource() {
            @Override
            public List<String> list() throws IOException {
                try (Stream<Path> s = Files.list(dir)) {
                    List<String> names = new ArrayList<>();
                    s.filter(Files::isRegularFile).forEach(p -> names.add(p.getFileName().toString()));
                    names.sort(null);
                    return names;
                }
            }

            @Override
            public long size(String name) throws IOException {
                return Files.size(dir.resolve(name));
            }

            @Override
            public void readFully(String name, long position, byte[] into) throws IOException {
                try (FileChannel ch = FileChannel.open(dir.resolve(name), StandardOpenOption.READ)) {
                    ByteBuffer buf = ByteBuffer.wrap(into);
                    while (buf.hasRemaining()) {
                        int n = ch.read(buf, position + buf.position());
                        if (n < 0) {
                            throw new java.io.EOFException(dir.resolve(name) + " ends before byte "
                                    + (position + into.length));
                        }
                    }
                }
            }

            @Override
            public String toString() {
                return dir.toString();
            }
        };
    }
}
