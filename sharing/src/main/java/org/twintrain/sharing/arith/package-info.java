/** The arithmetic interface that approximations and the training engine are written against, and its three backends. */
package org.twintrain.sharing.arith;
