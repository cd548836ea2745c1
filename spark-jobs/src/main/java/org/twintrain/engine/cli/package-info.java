/** Spark-free command-line entry points of the engine (local training on MNIST / CIFAR files). */
package org.twintrain.engine.cli;
