package org.twintrain.jobs.train;

import java.io.IOException;
import java.util.Iterator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.ring.LongMatrix;
import org.twintrain.store.DataShareManifest;
import org.twintrain.store.DataShares;
import org.twintrain.store.Manifests;
import org.twintrain.store.StoreLayout;

/**
 * The cleartext rows a secure run trained on, in the order it held them: both servers' halves of one shared data
 * set, read by the servers' own readers and added up. For experiments only (the fixed-point emulation of one secure
 * run, {@code TrainLocal --shares}): it needs both stores in one place, which no deployment has.
 *
 * <p>The order is the single-task order of {@link ServerTraining} (partitions in order, rows by position), so an
 * emulation with the run's seed takes the same minibatches as the run; the values are the encodings the servers
 * shared, so it sees exactly the secure run's inputs.
 */
public final class SharedDataReconstruction {
    private SharedDataReconstruction() {
    }

    /**
     * One data set: features (rows x features, decoded), labels (class index per row) and the manifest of server
     * 1's half.
     */
    public record Data(float[] features, int[] labels, int classes, int featureCount, DataShareManifest manifest) {
        public int rows() {
            return labels.length;
        }

        /** The image shape of a row as the training job reads model.inputShape (auto or CxHxW). */
        public org.twintrain.engine.Shape shape(String inputShape) {
            return EngineProgram.Settings.shape(inputShape, featureCount);
        }
    }

    /** Data set name of the two stores (store0 server 0's, store1 server 1's), checked to be one sharing's halves. */
    public static Data read(SparkSession spark, String store0, String store1, String name) throws IOException {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        StoreLayout s0 = new StoreLayout(store0);
        StoreLayout s1 = new StoreLayout(store1);
        DataShareManifest m0 = Manifests.read(s0.data(name), DataShareManifest.class, hadoop);
        DataShareManifest m1 = Manifests.read(s1.data(name), DataShareManifest.class, hadoop);
        if (m0.party() != 0 || m1.party() != 1) {
            throw new IllegalArgumentException("data set " + name + ": " + s0.data(name) + " holds server " + m0.party()
                    + "'s half and " + s1.data(name) + " server " + m1.party() + "'s; give server 0's store first");
        }
        if (!m0.sessionId().equals(m1.sessionId()) || !m0.partitions().equals(m1.partitions())
                || m0.features() != m1.features() || m0.classes() != m1.classes()
                || m0.fractionalBits() != m1.fractionalBits()) {
            throw new IllegalArgumentException("data set " + name + ": " + s0.data(name) + " and " + s1.data(name)
                    + " are not the two halves of one sharing run (sharing sessions, partitions, features, classes or"
                    + " fractional bits differ)");
        }
        DataShares.Half half0 = ServerTraining.expandSeeds(s0, hadoop, name, m0, 0, 1);
        ServerTraining.Rows rows1 = new ServerTraining.Rows(name, m1, 0, 1);
        Iterator<Row> it = spark.read().parquet(new Path(s1.data(name), "data").toString()).toLocalIterator();
        while (it.hasNext()) {
            rows1.add(it.next());
        }
        DataShares.Half half1 = rows1.half();
        FixedPoint codec = new FixedPoint(m1.fractionalBits());
        LongMatrix x = half0.features().add(half1.features());
        LongMatrix y = half0.labels().add(half1.labels());
        int n = x.rows();
        float[] features = new float[n * m1.features()];
        for (int i = 0; i < features.length; i++) {
            features[i] = (float) codec.decode(x.data()[i]);
        }
        int[] labels = new int[n];
        for (int r = 0; r < n; r++) {
            labels[r] = -1;
            for (int c = 0; c < m1.classes(); c++) {
                long v = y.data()[r * m1.classes() + c];
                if (v == codec.one() && labels[r] < 0) {
                    labels[r] = c;
                } else if (v != 0) {
                    labels[r] = -2;
                    break;
                }
            }
            if (labels[r] < 0) {
                // Names the row, not the values: the halves of another sharing or a damaged file.
                throw new IllegalArgumentException("data set " + name + ": row " + r + " of the two halves does not add"
                        + " up to a one-hot label; the stores do not hold one sharing's halves");
            }
        }
        return new Data(features, labels, m1.classes(), m1.features(), m1);
    }
}
