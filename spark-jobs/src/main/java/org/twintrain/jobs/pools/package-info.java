/**
 * The two executor pools that stand for the two non-colluding servers inside one Spark application.
 *
 * <p>{@link org.twintrain.jobs.pools.ServerPools} runs a server's work so that server i's tasks run only as
 * server i: in the FAIR scheduler pool {@code serverI} ({@code pools.mode=local}), and on a cluster also only
 * on executors of workers that advertise the custom resource {@code serverI} ({@code pools.mode=resources}:
 * a stage-level {@link org.apache.spark.resource.ResourceProfile} per server whose executors and tasks request
 * {@code serverI}). Every task checks its own placement before it runs the server's work, and inputs with a
 * shuffle are refused because the stage before the shuffle would run outside the pool.
 *
 * <p>Deployment shapes (details and files in {@code docs/deployment-pools.md}):
 * <ul>
 *   <li>One application, two pools: demo, tests, a single organization evaluating the system. The driver
 *       could see both servers' data, so this only stands for two servers.</li>
 *   <li>One application per server, each on its own cluster or on workers that only it may use (its default
 *       profile requests {@code serverI}: {@code conf/cluster-serverI.conf}); the two meet only through
 *       the peer channel. This is the real non-colluding deployment, and runs the same job code in
 *       {@code pools.mode=local} with one pool.</li>
 * </ul>
 *
 * <p>Limits the online phase must respect:
 * <ul>
 *   <li>Spark refuses barrier stages under dynamic allocation, which stage-level profiles need on a cluster.
 *       So {@code runBarrierTasks} (gang scheduling) works in local mode and in a server's own application,
 *       and not in resources mode. There, {@code runTasks} starts the long-lived tasks one by one, and task j
 *       of server 0 and task j of server 1 meet through the channel, within its connect timeout.</li>
 *   <li>Each pool needs at least as many free task slots as there are task pairs. In local mode that means
 *       a {@code local[N]} master with N at least twice the pairs, since FAIR pools have no upper share.</li>
 * </ul>
 */
package org.twintrain.jobs.pools;
