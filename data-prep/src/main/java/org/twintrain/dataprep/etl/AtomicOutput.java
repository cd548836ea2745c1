package org.twintrain.dataprep.etl;

import java.io.IOException;
import java.util.UUID;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes an output folder so that it either appears complete or not at all. Content goes to a hidden temporary
 * sibling ({@code .<name>.tmp-<uuid>}; Hadoop and Spark skip names starting with "."), the {@link #COMPLETE}
 * marker is written into it last, and one rename publishes it. A failure deletes the temporary folder; a crash
 * can leave only a hidden temporary folder, which no reader takes for a prepared set (they require the marker).
 * An existing output is refused unless {@code overwrite}; with it, the old folder is moved aside, the new one
 * renamed into place, then the old one deleted.
 */
public final class AtomicOutput {
    /** Marker file written last; readers accept a folder only if it is there. */
    public static final String COMPLETE = "_COMPLETE";

    /** Writes the content of the temporary folder. */
    @FunctionalInterface
    public interface Content {
        void write(Path tmp) throws Exception;
    }

    private AtomicOutput() {
    }

    /** Fails early, before any work, if the output exists and may not be replaced. */
    public static void checkTarget(Path target, Configuration conf, boolean overwrite) throws IOException {
        FileSystem fs = target.getFileSystem(conf);
        if (fs.exists(target) && !overwrite) {
            boolean complete = fs.exists(new Path(target, COMPLETE));
            throw new IOException(target + (complete ? " is already a complete prepared set"
                    : " exists (not a complete prepared set)") + "; pass --overwrite to replace it");
        }
    }

    /** Writes {@code content} into a temporary sibling of {@code target}, marks it complete and renames it. */
    public static void write(Path target, Configuration conf, boolean overwrite, Content content) throws Exception {
        checkTarget(target, conf, overwrite);
        FileSystem fs = target.getFileSystem(conf);
        Path parent = target.getParent();
        if (parent != null) {
            fs.mkdirs(parent);
        }
        String id = UUID.randomUUID().toString();
        Path tmp = new Path(parent, "." + target.getName() + ".tmp-" + id);
        boolean published = false;
        try {
            content.write(tmp);
            try (FSDataOutputStream out = fs.create(new Path(tmp, COMPLETE), false)) {
                out.write(("complete " + id + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            Path old = null;
            if (fs.exists(target)) {
                old = new Path(parent, "." + target.getName() + ".old-" + id);
                rename(fs, target, old);
            }
            rename(fs, tmp, target);
            published = true;
            if (old != null) {
                fs.delete(old, true);
            }
        } finally {
            if (!published) {
                fs.delete(tmp, true);
            }
        }
    }

    /** Whether a folder carries the completion marker. */
    public static boolean isComplete(Path folder, Configuration conf) throws IOException {
        return folder.getFileSystem(conf).exists(new Path(folder, COMPLETE));
    }

    private static void rename(FileSystem fs, Path from, Path to) throws IOException {
        if (!fs.rename(from, to)) {
            throw new IOException("could not rename " + from + " to " + to);
        }
    }
}
