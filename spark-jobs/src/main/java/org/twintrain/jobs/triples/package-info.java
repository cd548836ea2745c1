/**
 * The offline phase as a Spark job: {@link org.twintrain.jobs.triples.TripleJob} makes the correlated
 * randomness of a recorded {@link org.twintrain.sharing.triples.TriplePlan} and writes each server's half to
 * its own store (server 0: a 32-byte seed; server 1: materialized halves, one part file per task), either the
 * whole plan at once or, with {@link org.twintrain.jobs.triples.WindowedDealer}, window by window beside the
 * training run, never more than a bounded number of unconsumed windows ahead of it.
 */
package org.twintrain.jobs.triples;
