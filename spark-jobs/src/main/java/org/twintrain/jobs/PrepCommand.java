package org.twintrain.jobs;

import org.twintrain.dataprep.etl.PrepJob;
import org.twintrain.dataprep.etl.PrepOptions;
import org.twintrain.dataprep.format.DataFormatException;

/** {@code prep}: the data-prep ETL (release formats to Parquet with a manifest), see data-prep's PrepJob. */
final class PrepCommand implements Command {

    @Override
    public String name() {
        return "prep";
    }

    @Override
    public String summary() {
        return "ETL of CIFAR-10/100 (bin or tarball), MNIST (IDX), optical digits (CSV) or parallel text into Parquet";
    }

    @Override
    public String usage() {
        return """
                usage: submit/twintrain prep --dataset cifar10|cifar100|mnist|digits|text --input PATH --output PATH
                         [--labels fine|coarse] [--vocab-size N | --min-count N] [--src en --tgt fr]
                         [--bucket-width N] [--partitions N] [--overwrite]

                PATH may be a local folder or any Hadoop file system URI (hdfs://...). The output is written
                atomically (a failed run leaves nothing that looks complete) and refused if it exists, unless
                --overwrite. Throughput (records/s, Spark start-up excluded) is printed.""";
    }

    @Override
    public int run(String[] args) throws Exception {
        PrepOptions options = PrepOptions.parse(args);
        return SparkSessions.run("twintrain-prep-" + options.dataset(), TwinTrainConf.defaults(), spark -> {
            try {
                Object splits;
                try (var progress = org.twintrain.jobs.progress.SparkJobProgress.start(spark.sparkContext(), "prep")) {
                    splits = PrepJob.run(spark, options).get("splits");
                }
                System.out.println("wrote " + options.output() + ": " + splits);
                return 0;
            } catch (Exception e) {
                DataFormatException bad = PrepJob.dataError(e);
                if (bad != null) {
                    throw new IllegalArgumentException(bad.getMessage(), bad);
                }
                throw e;
            }
        });
    }
}
