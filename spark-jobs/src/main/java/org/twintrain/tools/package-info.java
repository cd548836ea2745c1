/**
 * Commands that run outside {@code submit/twintrain}'s Spark jobs, each a plain {@code main}: local training on
 * MNIST / CIFAR files without Spark ({@link org.twintrain.tools.TrainLocal}), the engine's throughput benchmarks
 * ({@link org.twintrain.tools.TrainBench}; {@link org.twintrain.tools.StepBench}, the TwinTrain side of
 * {@code benchmarks/engine-vs-pytorch.sh}), the two-party cost table of the approximations ({@link
 * org.twintrain.tools.CostTable}), the Pareto page of accuracy / perplexity against that cost ({@link
 * org.twintrain.tools.ParetoPage}), and two experimenter's tools for comparing a secure run with its emulation:
 * learning curves as SVG ({@link org.twintrain.tools.CurveSvg}) and a secure checkpoint turned into the
 * emulation's ({@link org.twintrain.tools.SecureToLocal}). They sit here, beside the jobs, because they join modules that the layers
 * below must not join: data-prep's readers with the engine, the approximations with the two-party protocols.
 */
package org.twintrain.tools;
