/**
 * The training engine, written once against {@link org.twintrain.sharing.arith.Arithmetic} so that the same
 * code trains in double precision, in fixed-point emulation and on two parties' shares. No Spark here.
 *
 * <p><b>Activation layout.</b> A batch is one {@link org.twintrain.sharing.arith.Matrix} with one row per
 * example and C*H*W columns, channel-major within a row (index c*H*W + h*W + w), the layout of CIFAR's binary
 * files. A dense layer's input is the same row with H = W = 1. Spatial rearrangements (im2col, pooling
 * windows, crops, flips, shortcuts) are {@code gather}s with index arrays computed once per geometry and batch
 * size; their backward passes are the adjoint {@code scatterAdd}s, so they cost no communication on shares.
 *
 * <p><b>Call order.</b> For each step: {@link org.twintrain.engine.Layer#forward} on every layer, then
 * {@link org.twintrain.engine.Layer#backward} in reverse order (each layer keeps what its backward needs from
 * the last forward and adds its parameter gradients into {@link org.twintrain.engine.Param#grad()}), then the
 * optimizer. Every layer opens its own triple scope ({@code name.fwd} / {@code name.bwd}) so that two parties
 * derive the same triple keys.
 *
 * <p><b>Randomness.</b> Everything random is public and seeded: weights come from {@code fromPublic} with a
 * {@link java.util.SplittableRandom} split per layer; shuffling, augmentation and dropout draw from generators
 * derived from (seed, epoch, step), so a run repeats bit for bit on the same backend and resumes from a
 * checkpoint that stores only the step counter.
 */
package org.twintrain.engine;
