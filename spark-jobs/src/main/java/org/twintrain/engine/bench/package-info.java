/** Throughput benchmarks of the engine (Spark-free mains; they print their settings next to every figure). */
package org.twintrain.engine.bench;
