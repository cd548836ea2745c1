package org.twintrain.store;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.permission.FsAction;
import org.apache.hadoop.fs.permission.FsPermission;
import org.twintrain.sharing.triples.LedgerFolder;

/**
 * Files and folders of a server's store, created readable by their owner only (files 0600, folders 0700) at
 * creation, never chmod-ed after: on HDFS the NameNode applies the permission when it creates the inode; on a local
 * disk Hadoop's local file system would create with the process umask and change the mode afterwards (a window in
 * which another user could open the file), so local paths are created through java.nio with the POSIX permissions as
 * a creation attribute. Exclusive creation ({@link #createNew}) is atomic on both: O_EXCL locally, the NameNode's
 * create-if-absent on HDFS.
 */
public final class StoreFiles {
    static final FsPermission FILE = new FsPermission((short) 0600);
    static final FsPermission FOLDER = new FsPermission((short) 0700);
    private static final FileAttribute<Set<PosixFilePermission>> LOCAL_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final FileAttribute<Set<PosixFilePermission>> LOCAL_FOLDER =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    private StoreFiles() {
    }

    static boolean isLocal(FileSystem fs) {
        return fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem;
    }

    private static java.nio.file.Path local(FileSystem fs, Path p) {
        return java.nio.file.Path.of(fs.makeQualified(p).toUri());
    }

    /** Creates folder (and missing parents) owner-only; an existing folder is left as it is. */
    public static void mkdirs(FileSystem fs, Path folder) throws IOException {
        if (!isLocal(fs)) {
            fs.mkdirs(folder, FOLDER);
            return;
        }
        java.nio.file.Path dir = local(fs, folder);
        List<java.nio.file.Path> missing = new ArrayList<>();
        for (java.nio.file.Path d = dir; d != null && !Files.exists(d); d = d.getParent()) {
            missing.add(0, d);
        }
        for (java.nio.file.Path d : missing) {
            try {
                Files.createDirectory(d, LOCAL_FOLDER);
            } catch (FileAlreadyExistsException raced) {
                // made by another writer meanwhile
            }
        }
    }

    /**
     * Opens file for writing, created owner-only; with overwrite false, fails with {@link
     * org.apache.hadoop.fs.FileAlreadyExistsException} when it exists (atomically). Creates missing parent folders.
     */
    public static OutputStream create(FileSystem fs, Path file, boolean overwrite) throws IOException {
        if (!isLocal(fs)) {
            try {
                return fs.create(file, FILE, overwrite, 1 << 16, fs.getDefaultReplication(file),
                        fs.getDefaultBlockSize(file), null);
            } catch (org.apache.hadoop.ipc.RemoteException e) {
                // HDFS reports an existing file from the NameNode wrapped; callers see one exception type.
                throw e.unwrapRemoteException(org.apache.hadoop.fs.FileAlreadyExistsException.class);
            }
        }
        java.nio.file.Path f = local(fs, file);
        mkdirs(fs, file.getParent());
        if (overwrite) {
            Files.deleteIfExists(f);
        }
        try {
            Files.createFile(f, LOCAL_FILE);
        } catch (FileAlreadyExistsException e) {
            throw new org.apache.hadoop.fs.FileAlreadyExistsException(file + " already exists");
        }
        return Files.newOutputStream(f, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** Writes bytes to a new owner-only file; fails if it exists (atomically: of two writers one wins). */
    public static void createNew(FileSystem fs, Path file, byte[] bytes) throws IOException {
        try (OutputStream out = create(fs, file, false)) {
            out.write(bytes);
        }
    }

    /** A {@link LedgerFolder} on any Hadoop file system (local or hdfs://), its segments owner-only. */
    public static LedgerFolder ledgerFolder(Path folder, Configuration hadoop) throws IOException {
        FileSystem fs = folder.getFileSystem(hadoop);
        return new LedgerFolder() {
            @Override
            public List<String> list() throws IOException {
                List<String> names = new ArrayList<>();
                try {
                    for (FileStatus s : fs.listStatus(folder)) {
                        if (s.isFile()) {
                            names.add(s.getPath().getName());
                        }
                    }
                } catch (FileNotFoundException absent) {
                    // no segment yet
                }
                return names;
            }

            @Override
            public byte[] read(String name) throws IOException {
                try (var in = fs.open(new Path(folder, name))) {
                    return in.readAllBytes();
                }
            }

            @Override
            public void createNew(String name, byte[] content) throws IOException {
                try {
                    StoreFiles.createNew(fs, new Path(folder, name), content);
                } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
                    throw new FileAlreadyExistsException(new Path(folder, name).toString());
                }
            }

            @Override
            public String toString() {
                return folder.toString();
            }
        };
    }

    /**
     * Files and folders under root that users other than the owner may read (group or other read permission), at
     * most limit of them; an absent root has none.
     */
    public static List<Path> readableByOthers(Path root, Configuration hadoop, int limit) throws IOException {
        FileSystem fs = root.getFileSystem(hadoop);
        List<Path> found = new ArrayList<>();
        if (!fs.exists(root)) {
            return found;
        }
        // A dealer running ahead of training renames and servers delete triple windows meanwhile: a walk that
        // meets a vanished file starts again (RawLocalFileSystem reports one as a RuntimeException).
        for (int walk = 1; ; walk++) {
            found.clear();
            try {
                RemoteIterator<LocatedFileStatus> files = fs.listFiles(root, true);
                while (files.hasNext() && found.size() < limit) {
                    LocatedFileStatus s = files.next();
                    if (s.getPath().getName().endsWith(".crc")) {
                        continue;
                    }
                    if (readableByOthers(s.getPermission()) && !reachableOnlyByOwner(fs, s.getPath().getParent(), root)) {
                        found.add(s.getPath());
                    }
                }
                return found;
            } catch (java.io.FileNotFoundException | RuntimeException vanished) {
                if (walk == 5) {
                    throw vanished;
                }
            }
        }
    }

    private static boolean readableByOthers(FsPermission p) {
        return p.getGroupAction().implies(FsAction.READ) || p.getOtherAction().implies(FsAction.READ);
    }

    /** Whether some folder from dir up to root is closed to everyone but its owner (then nobody else reaches dir). */
    private static boolean reachableOnlyByOwner(FileSystem fs, Path dir, Path root) throws IOException {
        String top = fs.makeQualified(root).toString();
        for (Path d = fs.makeQualified(dir); d != null; d = d.getParent()) {
            FsPermission p = fs.getFileStatus(d).getPermission();
            if (!p.getGroupAction().implies(FsAction.EXECUTE) && !p.getOtherAction().implies(FsAction.EXECUTE)) {
                return true;
            }
            if (d.toString().equals(top)) {
                break;
            }
        }
        return false;
    }
}
