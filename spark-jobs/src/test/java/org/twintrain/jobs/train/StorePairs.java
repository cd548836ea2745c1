package org.twintrain.jobs.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.twintrain.store.StoreLayout;

/**
 * The two servers' stores of a test scenario under one folder, copies of them for the next scenario, and the
 * prepared toy data the recovery tests share into them.
 */
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

    /**
     * rows prepared rows (id, features, label) of features uniform values in [-1, 1) from seed, labelled 2 where
     * feature 0 exceeds 0.3, else 1 where feature 1 is positive, else 0.
     */
    static Dataset<Row> threeClassRows(SparkSession spark, long seed, int rows, int features) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Row> out = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            List<Double> f = new ArrayList<>();
            for (int j = 0; j < features; j++) {
                f.add(rnd.nextDouble(-1, 1));
            }
            out.add(RowFactory.create((long) i, f, f.get(0) > 0.3 ? 2 : f.get(1) > 0 ? 1 : 0));
        }
        return spark.createDataFrame(out, new StructType().add("id", DataTypes.LongType)
                .add("features", DataTypes.createArrayType(DataTypes.DoubleType)).add("label", DataTypes.IntegerType));
    }
}
