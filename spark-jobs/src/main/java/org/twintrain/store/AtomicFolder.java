package org.twintrain.store;

import java.io.IOException;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes a store folder so that it appears complete or not at all: everything goes to a temporary sibling
 * ({@code .NAME.tmp-UUID}), the manifest last, then one rename makes it visible. A run killed midway leaves
 * only a temporary folder, which no reader mistakes for data (readers require the manifest). An existing
 * complete folder is refused unless overwrite is asked for. The folder is created readable by its owner only
 * ({@link StoreFiles}), so nothing written inside is reachable by other users at any time.
 */
public final class AtomicFolder {
    private final FileSystem fs;
    private final Path target;
    private final Path temporary;
    private final boolean overwrite;

    private AtomicFolder(FileSystem fs, Path target, boolean overwrite) {
        this.fs = fs;
        this.target = target;
        this.overwrite = overwrite;
        this.temporary = new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
    }

    public static AtomicFolder begin(Path target, boolean overwrite, Configuration hadoop) throws IOException {
        FileSystem fs = target.getFileSystem(hadoop);
        if (fs.exists(target) && !overwrite) {
            throw new IllegalArgumentException(target + " already exists; refusing to overwrite it (use --overwrite)");
        }
        AtomicFolder f = new AtomicFolder(fs, target, overwrite);
        StoreFiles.mkdirs(fs, f.temporary); // owner-only from its creation: it holds shares, seeds or triples
        return f;
    }

    /** Where to write until {@link #commit()}. */
    public Path path() {
        return temporary;
    }

    /** Makes the folder visible under its final name. */
    public void commit() throws IOException {
        if (fs.exists(target)) {
            if (!overwrite) {
                throw new IllegalStateException(target + " appeared while this run was writing; refusing to replace it");
            }
            fs.delete(target, true);
        }
        if (!fs.rename(temporary, target)) {
            throw new IOException("could not rename " + temporary + " to " + target);
        }
    }

    /** Removes the temporary folder after a failure. */
    public void abort() {
        try {
            fs.delete(temporary, true);
        } catch (IOException ignored) {
            // Best effort: the folder has no manifest, so nothing will read it.
        }
    }
}
