/** Correlated randomness from the offline phase (Beaver, matrix, AND triples; truncation pairs), keyed per use. */
package org.twintrain.sharing.triples;
