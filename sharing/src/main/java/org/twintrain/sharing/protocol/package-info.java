/** The two-party protocols, one class each: open, Beaver products, truncation, A2B/B2A, comparison, select, ReLU, max. */
package org.twintrain.sharing.protocol;
