package org.twintrain.jobs;

import java.util.Set;
import org.twintrain.dataprep.etl.PreparedDataset;
import org.twintrain.jobs.share.ShareJob;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.store.DataShareManifest;
import org.twintrain.store.StoreLayout;

/** {@code share}: the data owners' job, one additive half of a prepared split into each server's store. */
final class ShareCommand implements Command {

    @Override
    public String name() {
        return "share";
    }

    @Override
    public String summary() {
        return "secret-share a prepared data set into two server stores (server 0 keeps seeds, server 1 a half)";
    }

    @Override
    public String usage() {
        return """
                usage: submit/twintrain share --data PREPARED --store0 ROOT0 --store1 ROOT1 [--split train]
                         [--name NAME] [--partitions N] [--overwrite] [--conf FILE] [--set key=value]

                Reads the split of a data set written by `prep`, encodes it in fixed point (ring.fractionalBits)
                and writes server 0's half (per-partition PRG seeds) under ROOT0/data/NAME and server 1's half
                (Parquet) under ROOT1/data/NAME, each with a manifest carrying the same sharing-session id.
                NAME defaults to the split. Roots may be local folders or Hadoop URIs.""";
    }

    @Override
    public int run(String[] args) throws Exception {
        CommandLine line = CommandLine.parse(name(), args,
                Set.of("data", "store0", "store1", "split", "name", "partitions"), Set.of("overwrite"));
        TwinTrainConf conf = line.conf();
        String split = line.get("split", "train");
        return SparkSessions.run("twintrain-share", conf, spark -> {
            PreparedDataset data = PreparedDataset.load(spark, line.require("data"));
            if (data.classNames() == null || data.classNames().length == 0) {
                throw new IllegalArgumentException(line.require("data") + " is not an image data set with classes");
            }
            int features = data.split(split).select("features").first().getList(0).size();
            ShareJob.Result r = ShareJob.share(spark, data.split(split), data.dataset(), line.get("name", split),
                    features, data.classNames().length, new FixedPoint(conf.getInt("ring.fractionalBits")),
                    Integer.parseInt(line.get("partitions", "4")), new StoreLayout(line.require("store0")),
                    new StoreLayout(line.require("store1")), line.has("overwrite"));
            DataShareManifest m = r.server1();
            System.out.printf("shared %s/%s: %d rows x %d features, %d classes, %d partitions, f=%d, session %s%n",
                    m.datasetId(), split, m.rows(), m.features(), m.classes(), m.partitions().size(),
                    m.fractionalBits(), m.sessionId());
            return 0;
        });
    }
}
