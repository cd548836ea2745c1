/**
 * Overflow and truncation-failure telemetry of a training run (issue #9). Wrap-around is the most reported failure
 * of secure training: a value leaves the fixed-point range, or SecureML's local share truncation fails (its
 * probability grows with |x| / 2^(64-2f)), and the loss suddenly goes hugely negative. Every
 * {@code train.telemetry.every} training steps the layers' pre-activations (each dense and convolution output),
 * the softmax input and the loss gradient with respect to it (where a failure inside the softmax approximation
 * lands first) are checked with {@link org.twintrain.sharing.arith.Arithmetic#countAtLeast}: on two
 * parties one {@link org.twintrain.sharing.protocol.RangeCheck} over all of them, which reveals only one count per
 * (layer, bound), never a value. Two bounds per layer: the configured overflow bound, and 2^(62-2f), the
 * magnitude that only a failed truncation or a wrap produces (a failure adds about 2^(64-2f)).
 *
 * <p>Call order per step: {@link org.twintrain.engine.telemetry.Telemetry#beginStep} (from
 * {@link org.twintrain.engine.Context#at}), {@code observe} from the layers' forward passes, then
 * {@link org.twintrain.engine.telemetry.Telemetry#finishStep} once, before backward, in its own triple scope
 * "telemetry" (so the stored-triple plan records it: see {@link org.twintrain.engine.telemetry.TelemetryPlans}).
 * Counts go to the run's listener (the progress line); crossing the threshold logs or stops the run, or calls a
 * handler installed with {@link org.twintrain.engine.telemetry.Telemetry#onThreshold} (the hook for a rollback to
 * the last checkpoint with a smaller learning rate).
 */
package org.twintrain.engine.telemetry;
