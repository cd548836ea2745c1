/**
 * The online phase as Spark jobs: each server's training loop runs in a long-lived task of its own pool,
 * reading only its own store and talking to the other server's task over the peer channel; the driver only
 * brokers the rendezvous and collects counters (bytes, rounds, time, the revealed test count), never a share.
 * Also the {@code train} command (mutual TLS with configured key files), secure evaluation on a shared test set
 * ({@link org.twintrain.jobs.train.EngineProgram#correctCount}) and the {@code bench-secure} benchmark
 * ({@link org.twintrain.jobs.train.SecureBenchmark}). One server's task is {@code ServerTraining}, run by both
 * deployments: {@link org.twintrain.jobs.train.SecureTrainJob} (one application, two pools) and {@link
 * org.twintrain.jobs.train.PerServerTrainJob} (each server its own application, {@code train --server N}); right
 * after the channel opens, {@code PlanAgreement} checks that both servers run the same plan. Fault recovery:
 * per-server checkpoints in each store ({@link org.twintrain.jobs.train.RunCheckpoints}), agreement on the last
 * common step ({@link org.twintrain.jobs.train.ResumeAgreement}) and the driver's retries of both tasks
 * (docs/faults.md). Data-parallel training over k task pairs ({@code train.tasks}, {@link
 * org.twintrain.jobs.train.DataParallel}): each server's k tasks in one barrier stage, summing their gradient shares
 * among themselves over channels keyed with the server's own key pair (docs/data-parallel.md).
 */
package org.twintrain.jobs.train;
