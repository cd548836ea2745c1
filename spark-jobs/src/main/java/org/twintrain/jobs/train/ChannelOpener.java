package org.twintrain.jobs.train;

import java.io.Serializable;
import org.twintrain.sharing.channel.Channel;

/**
 * Opens one party's end of the channel to the peer task, inside that party's task. Serializable because it
 * is shipped to the executor; it carries addresses and file paths, never keys or shares.
 */
@FunctionalInterface
public interface ChannelOpener extends Serializable {
    Channel open(int party, int task);
}
