/**
 * Function secret sharing for comparisons: the distributed comparison function (DCF) of Boyle, Gilboa, Ishai,
 * Kolobov et al., "Function Secret Sharing for Mixed-Mode and Fixed-Point Secure Computation" (Eurocrypt 2021,
 * Fig. 1), the construction AriaNN, LLAMA and Orca use. A dealer makes two keys for "beta if y &lt; alpha"; each
 * server evaluates its key locally on a public point and the two outputs add up to the function's value. This
 * is what lets a comparison cost one opening ({@link org.twintrain.sharing.protocol.MaskedCompare}).
 *
 * <p>Written here because no maintained Java library offers DCF: the only implementations are C++ and Rust
 * research code. The PRG is fixed-key AES (JDK, AES-NI) over whole levels of many keys at once.
 */
package org.twintrain.sharing.fss;
