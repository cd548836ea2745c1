package org.twintrain.sharing.channel;

/** The channel broke, timed out, refused a peer or saw an out-of-sequence message; the message names the peer. */
public class ChannelException extends RuntimeException {
    public ChannelException(String message) {
        super(message);
    }

    public ChannelException(String message, Throwable cause) {
        super(message, cause);
    }
}
