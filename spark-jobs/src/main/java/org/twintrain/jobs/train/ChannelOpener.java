package org.twintrain.jobs.train;

import java.io.Serializable;
import java.util.List;
import java.util.function.Function;
import org.twintrain.sharing.channel.Channel;

/**
 * Opens one party's end of the channel to the peer task, inside that party's task, and with k data-parallel
 * tasks the channels among one server's own tasks. Serializable because it is shipped to the executor; it
 * carries addresses and file paths, never keys or shares.
 */
@FunctionalInterface
public interface ChannelOpener extends Serializable {
    Channel open(int party, int task);

    /**
     * The channels among server party's own k tasks, for summing their gradient shares: task 0 gets the channels
     * to tasks 1..k-1 in task order, any other task one channel, to task 0. The tasks run in one barrier stage and
     * publish addresses through allGather (each task passes its message and gets all tasks' messages, by task);
     * addresses are public. Openers that support one task per server only refuse.
     */
    default List<Channel> siblings(int party, int task, int tasks, Function<String, String[]> allGather) {
        throw new UnsupportedOperationException(getClass().getName() + " opens one task per server: set train.tasks=1");
    }
}
