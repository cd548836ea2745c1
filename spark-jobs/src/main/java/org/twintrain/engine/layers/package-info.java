/**
 * Layers with forward and backward passes written only against {@link org.twintrain.sharing.arith.Arithmetic}:
 * dense, convolution (im2col by gather, matmul; backward by transposed matmuls and scatterAdd), average and
 * max pooling (max by a comparison tree; backward routes the gradient with the comparison bits), batch
 * normalization (cleartext backends only), ReLU, residual blocks, flatten, dropout, embedding, LSTM and GRU
 * cells, and the softmax cross-entropy head.
 */
package org.twintrain.engine.layers;
