package org.twintrain.jobs.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.twintrain.store.StoreLayout;

/** The two servers' stores of a test scenario under one folder, and copies of them for the next scenario. */
final class StorePairs {
    private StorePairs() {
    }

    /** dir/name/store0 and dir/name/store1. */
    static StoreLayout[] stores(Path dir, String name) {
        return new StoreLayout[] {new StoreLayout(dir.resolve(name + "/store0").toString()),
            new StoreLayout(dir.resolve(name + "/store1").toString())};
    }

    /** A copy of scenario from's stores (data, triples, ledgers) as scenario to's. */
    static StoreLayout[] copy(Path dir, String from, String to) throws IOException {
        copyTree(dir.resolve(from), dir.resolve(to));
        return stores(dir, to);
    }

    /** Copies the folder from with everything under it to to. */
    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }
}
