/**
 * Model factories. Each model states its width (a channel or unit multiplier) and depth so that every result
 * can print the scale it was obtained at: logistic regression, the SecureML network 784-128-128-10, a small
 * CNN, ResNet-18 in its CIFAR form, He et al.'s CIFAR ResNet-20/32 (6n+2), and a seq2seq encoder-decoder.
 */
package org.twintrain.engine.models;
