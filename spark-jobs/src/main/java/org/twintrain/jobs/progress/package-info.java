/**
 * Progress a person can read: {@link org.twintrain.jobs.progress.ProgressLine} is one line with percentage,
 * elapsed time and ETA that updates in place on a terminal ({@code System.console() != null}) and becomes plain
 * lines, one per tenth of the work, in logs and CI; {@link org.twintrain.jobs.progress.SparkJobProgress} feeds it
 * from the Spark jobs of a command (tasks finished of tasks started), on the driver. The long-lived training
 * task feeds it per step from inside the task (in local mode the task runs in the driver's JVM, at the
 * terminal; on a cluster it logs plain lines to its executor's log).
 */
package org.twintrain.jobs.progress;
