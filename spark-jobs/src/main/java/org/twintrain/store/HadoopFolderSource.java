package org.twintrain.store;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.twintrain.sharing.triples.ByteSource;

/**
 * A folder of a Hadoop file system as a {@link ByteSource} for a server's stored triples. It keeps one stream
 * per file open until {@link #close} and reads each record by seeking that stream and reading it a megabyte at a
 * time, so that taking a window's records in order is one sequential pass through each part file: no open (on
 * HDFS a name-node call) per record, and the file system's read-ahead works. Thread-safe: reads of one file take
 * turns on its stream; a read after close opens a stream for that read alone.
 */
final class HadoopFolderSource implements ByteSource {
    /** Each stream's read-ahead and the largest single read (records run from kilobytes to tens of megabytes). */
    static final int BUFFER_BYTES = 1 << 20;

    private final FileSystem fs;
    private final Path folder;
    private final Map<String, FSDataInputStream> open = new HashMap<>();
    private boolean closed;

    HadoopFolderSource(FileSystem fs, Path folder) {
        this.fs = fs;
        this.folder = folder;
    }

    @Override
    public List<String> list() throws IOException {
        List<String> names = new ArrayList<>();
        for (FileStatus s : fs.listStatus(folder)) {
            if (s.isFile()) {
                names.add(s.getPath().getName());
            }
        }
        names.sort(null);
        return names;
    }

    @Override
    public long size(String name) throws IOException {
        try {
            return fs.getFileStatus(new Path(folder, name)).getLen();
        } catch (FileNotFoundException e) {
            throw new NoSuchFileException(new Path(folder, name).toString());
        }
    }

    @Override
    public void readFully(String name, long position, byte[] into) throws IOException {
        FSDataInputStream in = stream(name);
        if (in != null) {
            synchronized (in) {
                // close() marks the source closed before it takes a stream's lock to close it: open here means open.
                if (!isClosed()) {
                    read(in, position, into);
                    return;
                }
            }
        }
        // Closed: a late reader of a window the run has moved past reads through a stream of its own.
        try (FSDataInputStream once = openStream(name)) {
            read(once, position, into);
        }
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    /**
     * Reads into from position in chunks of at most BUFFER_BYTES: the JDK reads a file into a Java array through
     * a native buffer of the whole request, which the C library maps afresh on every call once it is over 32 MB;
     * one read of a 64 MB record was 20 to 45 times slower than the same bytes read a megabyte at a time.
     */
    private static void read(FSDataInputStream in, long position, byte[] into) throws IOException {
        if (in.getPos() != position) {
            in.seek(position);
        }
        for (int off = 0; off < into.length; off += BUFFER_BYTES) {
            in.readFully(into, off, Math.min(BUFFER_BYTES, into.length - off));
        }
    }

    /** The open stream of file name (opened on first use), or null once closed. */
    private synchronized FSDataInputStream stream(String name) throws IOException {
        if (closed) {
            return null;
        }
        FSDataInputStream in = open.get(name);
        if (in == null) {
            in = openStream(name);
            open.put(name, in);
        }
        return in;
    }

    private FSDataInputStream openStream(String name) throws IOException {
        try {
            return fs.open(new Path(folder, name), BUFFER_BYTES);
        } catch (FileNotFoundException e) {
            throw new NoSuchFileException(new Path(folder, name).toString());
        }
    }

    /** Closes the open streams; a read after this opens a stream for that read. */
    @Override
    public void close() throws IOException {
        List<FSDataInputStream> streams;
        synchronized (this) {
            closed = true;
            streams = new ArrayList<>(open.values());
            open.clear();
        }
        IOException first = null;
        for (FSDataInputStream in : streams) {
            synchronized (in) { // after a read in progress on it
                try {
                    in.close();
                } catch (IOException e) {
                    if (first == null) {
                        first = e;
                    } else {
                        first.addSuppressed(e);
                    }
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        return folder.toString();
    }
}
