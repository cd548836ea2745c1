/**
 * Data preparation for TwinTrain. {@code format}: Spark-free readers of the release formats (CIFAR-10/100
 * binary, MNIST IDX, aligned parallel text) with a tokenizer and vocabularies, used directly by the training
 * engine; {@code etl}: the Spark job that turns those inputs (local or any Hadoop file system) into partitioned
 * Parquet with a manifest, and the reader of prepared sets; {@code generate}: small seeded data sets in the same
 * release formats for tests and demos.
 */
package org.twintrain.dataprep;
