/**
 * Correlated randomness from the offline phase (Beaver, square, matrix and AND triples; truncation pairs; shared
 * bits), keyed per use by {@link org.twintrain.sharing.triples.TripleKey}. {@link
 * org.twintrain.sharing.triples.Dealer} derives both halves of any key from a dealer seed (server 0's half from
 * a seed of its own).
 *
 * <p>Sources behind one interface, {@link org.twintrain.sharing.triples.TripleSource}: the in-process {@link
 * org.twintrain.sharing.triples.DealerTripleSource} (tests, the demo, emulation) and the {@link
 * org.twintrain.sharing.triples.StoredTripleSource} of a real run, which serves one server's half of a
 * {@link org.twintrain.sharing.triples.TriplePlan} from its store (server 0: a 32-byte seed; server 1:
 * materialized halves in the {@link org.twintrain.sharing.triples.TripleFile} format) through a {@link
 * org.twintrain.sharing.triples.ByteSource}, so it needs no Spark. A run's plan is recorded by a dry run of one
 * step on two in-process parties; a {@link org.twintrain.sharing.triples.TripleLedger} keeps, across resumed
 * runs, which keys were consumed.
 */
package org.twintrain.sharing.triples;
