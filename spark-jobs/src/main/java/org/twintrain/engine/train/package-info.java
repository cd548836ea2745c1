/**
 * The minibatch loop: in-memory data sets of examples, seeded shuffling and augmentation (random crop with
 * padding and horizontal flip as gathers, so they run on shares too), the classifier trainer with softmax
 * cross-entropy, evaluation, and versioned checkpoints that resume a run bit for bit.
 */
package org.twintrain.engine.train;
