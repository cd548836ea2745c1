/**
 * The written-once test harness: {@link org.twintrain.sharing.testing.Backends} yields the arithmetic backends a
 * test body runs on, as JUnit 5 parameters, and compares revealed results with a double reference at a
 * tolerance derived from each backend's resolution. Shipped in the sharing test-jar so that approx and
 * spark-jobs tests reuse it.
 */
package org.twintrain.sharing.testing;
