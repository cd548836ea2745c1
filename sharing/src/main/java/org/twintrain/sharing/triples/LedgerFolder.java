package org.twintrain.sharing.triples;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a {@link TripleLedger} keeps its segments: a folder of immutable files, each created exclusively and
 * written whole. Needs only exclusive create, list and read, which every file system has (a local disk, HDFS,
 * an object store), so the ledger works on any store; no append, no lease, no lock file. The store module has
 * the Hadoop implementation; {@link #local} is the plain local one.
 */
public interface LedgerFolder {
    /** Names of the files in the folder (none if it does not exist yet). */
    List<String> list() throws IOException;

    /** The whole content of one file. */
    byte[] read(String name) throws IOException;

    /**
     * Creates name with content, readable by its owner only, failing with {@link FileAlreadyExistsException} if it
     * exists (atomically: of two writers of one name, exactly one succeeds). Creates the folder if needed.
     */
    void createNew(String name, byte[] content) throws IOException;

    /** A folder on the local file system (java.nio: O_EXCL create, owner-only permissions at creation). */
    static LedgerFolder local(Path dir) {
        return new LedgerFolder() {
            @Override
            public List<String> list() throws IOException {
                List<String> names = new ArrayList<>();
                if (!Files.isDirectory(dir)) {
                    return names;
                }
                try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
                    for (Path p : s) {
                        names.add(p.getFileName().toString());
                    }
                }
                return names;
            }

            @Override
            public byte[] read(String name) throws IOException {
                return Files.readAllBytes(dir.resolve(name));
            }

            @Override
            public void createNew(String name, byte[] content) throws IOException {
                if (!Files.isDirectory(dir)) {
                    try {
                        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                                PosixFilePermissions.fromString("rwx------")));
                    } catch (FileAlreadyExistsException raced) {
                        // another writer made it first
                    }
                }
                Path file = dir.resolve(name);
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.WRITE)) {
                    out.write(content);
                }
                try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
            }

            @Override
            public String toString() {
                return dir.toString();
            }
        };
    }
}
