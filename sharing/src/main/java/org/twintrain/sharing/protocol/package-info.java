/**
 * The two-party protocols, one class each, over a {@link org.twintrain.sharing.protocol.ProtocolContext} (party,
 * channel, triple source, fixed point, key scope). They know nothing of Spark or of the {@code Arithmetic}
 * interface; {@code TwoPartyArithmetic} composes them. Every call must be made by both parties in the same
 * order; each batches all entries of its matrices into each exchange.
 *
 * <p>Cost per call, bytes sent by each party for n entries (n a multiple of 64 for the bit-sliced ones):
 * <ul>
 *   <li>{@link org.twintrain.sharing.protocol.Open}: 1 round, 8n.</li>
 *   <li>{@link org.twintrain.sharing.protocol.BeaverMul}: 1 round, 16n; {@link
 *       org.twintrain.sharing.protocol.BeaverSquare}: 1 round, 8n.</li>
 *   <li>{@link org.twintrain.sharing.protocol.BeaverMatMul} (m x k by k x n): 1 round, 8(mk + kn).</li>
 *   <li>{@link org.twintrain.sharing.protocol.Truncation}: LOCAL 0 rounds; WRAP_FREE 1 round, 8n.</li>
 *   <li>{@link org.twintrain.sharing.protocol.A2B}: 7 rounds; {@link org.twintrain.sharing.protocol.LessThanZero}
 *       bits: 7 rounds, 181 AND gates per entry = 45.25n bytes.</li>
 *   <li>{@link org.twintrain.sharing.protocol.B2A}: 1 round, n/8; with a product by the bit, 1 round, n/8 + 16n.</li>
 *   <li>{@link org.twintrain.sharing.protocol.Relu} and {@link org.twintrain.sharing.protocol.Max}: 8 rounds,
 *       61.375n.</li>
 *   <li>{@link org.twintrain.sharing.protocol.MaskedCompare} (the default comparison, {@link
 *       org.twintrain.sharing.protocol.ComparisonProtocol}): 1 round, 8n for any number of public thresholds,
 *       with [x &gt;= t] and its exact product by x; a DCF key of about 4 x width words per element and server.</li>
 * </ul>
 */
package org.twintrain.sharing.protocol;
