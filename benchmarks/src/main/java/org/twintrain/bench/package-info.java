/**
 * JMH benchmarks, built only with the {@code bench} profile into {@code benchmarks/target/benchmarks.jar}.
 *
 * <p>{@link org.twintrain.bench.RingMatMulBenchmark} measures the Z_2^64 matrix product and {@link
 * org.twintrain.bench.DgemmBenchmark} the same shapes through netlib's Vector API dgemm; {@link
 * org.twintrain.bench.RatioReport} runs both and prints their ratio. Secure (two-party) matmul benchmarks
 * belong in this package as their own classes, listed in {@code RatioReport.INCLUDES}.
 */
package org.twintrain.bench;
