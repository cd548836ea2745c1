/**
 * Small seeded data sets in the release formats (CIFAR-10 and CIFAR-100 binary batches and tarballs, gzipped
 * MNIST IDX, aligned parallel text) with structure a model can learn, for tests and the demo.
 *
 * <p>Images: every class has a fixed random template at 4x4-pixel block resolution (per channel); an image is
 * 0.6 x its template plus 0.4 x uniform noise, so even a linear model separates the classes. CIFAR-100 templates
 * are half the coarse class's template and half the fine class's, with coarse = fine / 5, so both label kinds are
 * learnable. Text: a fixed bijection maps each source word to a target word, so the target is a word-by-word
 * translation of the source. Everything is a pure function of the seed.
 */
package org.twintrain.dataprep.generate;
