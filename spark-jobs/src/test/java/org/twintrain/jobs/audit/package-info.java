/**
 * The isolation audit (issue #9): a full secure run in its own JVM with Spark event logging and its log captured
 * ({@link org.twintrain.jobs.audit.AuditRun}), searched by {@link org.twintrain.jobs.audit.LeakScanner} for
 * either server's secrets in the other's store, for any secret in logs and the event log, and for the cleartext
 * data outside the data owner's input; and failures on the secure path whose messages must name no secret value.
 * Results and the command: docs/isolation-audit.md.
 */
package org.twintrain.jobs.audit;
