package org.twintrain.sharing.channel;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A wide-area or local network between the two servers, as configuration ({@code channel.network}), for measuring a
 * secure run as it would go between two data centres when only loopback is at hand (kernel traffic shaping is not
 * available on these machines). {@link NetworkModelChannel} applies it: every round waits one round trip, and every
 * message is paced to the bandwidth.
 *
 * <p>Conservative by design: an exchange, where both servers send at once and each waits for the other's message,
 * needs one one-way delay on a real link; the model charges the full round trip, as the usual estimate "rounds x
 * RTT + bytes / bandwidth" does (SecureML, SecureNN), so its times are upper bounds of that kind.
 *
 * @param name              {@code none}, {@code lan}, {@code wan} or the given spec
 * @param bytesPerSecond    bandwidth of each direction (full duplex); infinite for none
 * @param roundTripSeconds  round-trip time charged per round; 0 for none
 */
public record NetworkModel(String name, double bytesPerSecond, double roundTripSeconds) {
    /** No model: the channel as it is (loopback or a real network). */
    public static final NetworkModel NONE = new NetworkModel("none", Double.POSITIVE_INFINITY, 0);
    /** A data-centre LAN: 1 GB/s, 0.2 ms round trip. */
    public static final NetworkModel LAN = new NetworkModel("lan", 1e9, 0.2e-3);
    /** A WAN between two data centres (SecureNN's WAN setting): 40 MB/s, 58 ms round trip. */
    public static final NetworkModel WAN = new NetworkModel("wan", 40e6, 58e-3);

    private static final Pattern SPEC = Pattern.compile(
            "([0-9.]+)\\s*(kb|mb|gb)/s\\s*@\\s*([0-9.]+)\\s*(us|ms|s)", Pattern.CASE_INSENSITIVE);

    public NetworkModel {
        if (!(bytesPerSecond > 0) || !(roundTripSeconds >= 0) || Double.isInfinite(roundTripSeconds)) {
            throw new IllegalArgumentException("a network model needs a positive bandwidth and a finite round trip >= 0");
        }
    }

    /**
     * Parses {@code none}, {@code lan}, {@code wan}, or {@code BANDWIDTH@RTT} such as {@code 9MB/s@72ms} (SecureML's
     * WAN) or {@code 100mb/s@10ms}; units kB/MB/GB (10^3, 10^6, 10^9 bytes) per second and us/ms/s.
     */
    public static NetworkModel parse(String spec) {
        String s = spec == null ? "" : spec.trim().toLowerCase(Locale.ROOT);
        switch (s) {
            case "", "none", "loopback":
                return NONE;
            case "lan":
                return LAN;
            case "wan":
                return WAN;
            default:
                break;
        }
        Matcher m = SPEC.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("channel.network must be none, lan, wan or BANDWIDTH@RTT such as"
                    + " 40MB/s@58ms, got '" + spec + "'");
        }
        double bw = Double.parseDouble(m.group(1)) * switch (m.group(2)) {
            case "kb" -> 1e3;
            case "mb" -> 1e6;
            default -> 1e9;
        };
        double rtt = Double.parseDouble(m.group(3)) * switch (m.group(4)) {
            case "us" -> 1e-6;
            case "ms" -> 1e-3;
            default -> 1.0;
        };
        return new NetworkModel(spec.trim(), bw, rtt);
    }

    public boolean isNone() {
        return roundTripSeconds == 0 && Double.isInfinite(bytesPerSecond);
    }

    /** Seconds the model adds for this many rounds and bytes sent by one side: rounds x RTT + bytes / bandwidth. */
    public double seconds(long rounds, long bytes) {
        return rounds * roundTripSeconds + (Double.isInfinite(bytesPerSecond) ? 0 : bytes / bytesPerSecond);
    }

    @Override
    public String toString() {
        return isNone() ? "none" : String.format(Locale.ROOT, "%s (%.0f MB/s, %.1f ms round trip)", name,
                bytesPerSecond / 1e6, roundTripSeconds * 1e3);
    }
}
