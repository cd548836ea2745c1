package org.twintrain.jobs.train;

import java.io.Serializable;

/**
 * What a server's task tells the driver: counters only, never a share or a data value.
 *
 * @param executor where it ran (executor id and host), for the isolation checks
 */
public record ServerReport(int party, int task, String executor, long rows, long bytesSent, long bytesReceived,
        long rounds, long triplesTaken, double seconds) implements Serializable {
}
