/**
 * The trained model as a Spark ML {@link org.apache.spark.ml.Model}: {@link org.twintrain.ml.TwinTrainModel}
 * runs the training engine's forward pass over DataFrames (batches of rows per task, double precision) and
 * persists in Spark's {@code metadata/} + {@code data/} layout, so a revealed model can be scored, put in a
 * Pipeline and evaluated with MLlib's evaluators. Its Params carry only public provenance (architecture,
 * scale, approximations, run and data set ids), never a parameter value or a secret.
 */
package org.twintrain.ml;
