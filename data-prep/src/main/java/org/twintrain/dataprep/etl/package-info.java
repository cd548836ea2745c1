/**
 * The Spark ETL of data-prep. {@link org.twintrain.dataprep.etl.PrepJob} reads a data set in its release format
 * from a local path or any Hadoop file system URI and writes partitioned Parquet with a JSON manifest, atomically
 * ({@link org.twintrain.dataprep.etl.AtomicOutput}); {@link org.twintrain.dataprep.etl.PreparedDataset} loads such
 * a set back and checks its completeness and format version. Record decoding runs in Spark tasks over record
 * ranges of the input files, using the Spark-free decoders of {@code org.twintrain.dataprep.format}.
 */
package org.twintrain.dataprep.etl;
