/**
 * The approximations of Ho et al., "High Accuracy Approximation of Secure Multiparty Neural Network
 * Training" (Table 1), written once against {@link org.twintrain.sharing.arith.Arithmetic} so that each runs
 * in double precision (the accuracy study), in fixed-point cleartext (its emulation) and on two parties.
 *
 * <ul>
 *   <li>e^x ({@link org.twintrain.approx.ExpApproximation}): {@code exact}, {@code relu}, {@code taylor:k},
 *       {@code pwl:k}, one class each; {@link org.twintrain.approx.PwlFit} fits {@code pwl:5..7}. Beyond the
 *       paper, on logits minus their row maximum: {@link org.twintrain.approx.LimitExp} ({@code limit:n}, CrypTen's)
 *       and {@code pwlsm:k}, fitted to the softmax by {@link org.twintrain.approx.PwlSoftmaxFit} on
 *       {@link org.twintrain.approx.LogitSamples}' synthetic rows.</li>
 *   <li>tanh ({@link org.twintrain.approx.TanhApproximation}): {@code exact}, {@code pwl:3}.</li>
 *   <li>{@link org.twintrain.approx.Softmax} and {@link org.twintrain.approx.Sigmoid} built from an e^x,
 *       {@link org.twintrain.approx.Reciprocal} for their division, true derivatives by default.</li>
 *   <li>{@link org.twintrain.approx.ApproxConfig} and {@link org.twintrain.approx.ApproxRegistry}: names and
 *       settings from configuration.</li>
 *   <li>Commands: {@link org.twintrain.approx.PwlFit}, {@link org.twintrain.approx.PwlSoftmaxFit},
 *       {@link org.twintrain.approx.SoftmaxMass} (mass on a 2,000-word vocabulary), {@link
 *       org.twintrain.approx.PlotApprox} (SVG figures).
 *       The two-party cost table runs the protocols, so it lives beside the other commands
 *       ({@code org.twintrain.tools.CostTable}).</li>
 * </ul>
 *
 * Nothing here knows about shares, triples or Spark: of the sharing module only its arithmetic package
 * ({@code org.twintrain.sharing.arith}) is used, a rule {@code ArchitectureTest} checks.
 */
package org.twintrain.approx;
