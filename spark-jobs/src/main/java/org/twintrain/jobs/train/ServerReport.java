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

    /**
     * One server's report from its k data-parallel tasks' (k = 1: that task's): rows, bytes and triples summed,
     * rounds and seconds of the slowest task (the pairs run side by side), the evaluation of task 0's pair.
     */
    public static ServerReport combine(java.util.List<ServerReport> tasks) {
        if (tasks.size() == 1) {
            return tasks.get(0);
        }
        ServerReport lead = tasks.stream().filter(r -> r.task() == 0).findFirst()
                .orElseThrow(() -> new IllegalStateException("no report of task 0 among " + tasks.size()));
        long rows = 0, sent = 0, received = 0, rounds = 0, triples = 0;
        double seconds = 0;
        StringBuilder executors = new StringBuilder();
        for (ServerReport r : tasks) {
            rows += r.rows();
            sent += r.bytesSent();
            received += r.bytesReceived();
            rounds = Math.max(rounds, r.rounds());
            triples += r.triplesTaken();
            seconds = Math.max(seconds, r.seconds());
            executors.append(executors.length() == 0 ? "" : ",").append(r.executor());
        }
        return new ServerReport(lead.party(), 0, executors.toString(), rows, sent, received, rounds, triples, seconds,
                lead.testRows(), lead.correct());
    }

    /** Accuracy on the shared test set, or NaN without one. */
    public double testAccuracy() {
        return testRows == 0 ? Double.NaN : (double) correct / testRows;
    }
}
