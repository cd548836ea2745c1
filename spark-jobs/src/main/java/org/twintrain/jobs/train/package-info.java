/**
 * The online phase as Spark jobs: each server's training loop runs in a long-lived task of its own pool,
 * reading only its own store and talking to the other server's task over the peer channel; the driver only
 * brokers the rendezvous and collects counters (bytes, rounds, time), never a share.
 */
package org.twintrain.jobs.train;
