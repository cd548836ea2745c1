/** Minibatch SGD with momentum and weight decay, and its learning-rate schedule. */
package org.twintrain.engine.optim;
