/**
 * The model owner's reveal: both servers' model shares in, the cleartext model out. {@link
 * org.twintrain.jobs.reveal.ModelReveal} checks and sums the shares; {@link
 * org.twintrain.jobs.reveal.RevealedModels} describes the result (architecture, scale, provenance) and wraps it
 * as a Spark ML {@link org.twintrain.ml.TwinTrainModel}; the {@code reveal} and {@code evaluate} commands save
 * it in Spark ML's layout and score a prepared data set with MLlib's multiclass evaluator.
 */
package org.twintrain.jobs.reveal;
