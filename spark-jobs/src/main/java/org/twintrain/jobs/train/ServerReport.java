package org.twintrain.jobs.train;

import java.io.Serializable;

/**
 * What a server's task tells the driver: counters only, never a share or a data value.
 *
 * @param executor where it ran (executor id and host), for the isolation checks
 * @param testRows examples of the shared test set (0 without one)
 * @param correct  the revealed count of correct predictions on it (-1 without a test set)
 */
public record ServerReport(int party, int task, String executor, long rows, long bytesSent, long bytesReceived,
        long rounds, long triplesTaken, double seconds, long testRows, long correct) implements Serializable {

    /** Accuracy on the shared test set, or NaN without one. */
    public double testAccuracy() {
        return testRows == 0 ? Double.NaN : (double) correct / testRows;
    }
}
