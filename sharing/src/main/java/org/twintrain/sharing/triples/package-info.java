/**
 * Correlated randomness from the offline phase (Beaver, square, matrix and AND triples; truncation pairs; shared
 * bits), keyed per use by {@link org.twintrain.sharing.triples.TripleKey}. {@link
 * org.twintrain.sharing.triples.Dealer} derives both halves of any key from a dealer seed (server 0's half from
 * a seed of its own); {@link org.twintrain.sharing.triples.DealerTripleSource} is the in-process dealer for tests,
 * the demo and emulation.
 */
package org.twintrain.sharing.triples;
