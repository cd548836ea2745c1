/**
 * The arithmetic interface that approximations and the training engine are written against, and its backends:
 * double and float cleartext (with their Vector API product and convolution kernels, {@code Dgemm}, {@code Sgemm},
 * {@code DoubleConv}, {@code FloatConv}), fixed-point cleartext (the emulation) and two parties' shares.
 */
package org.twintrain.sharing.arith;
