/**
 * The peer channel between the two servers' task pairs: in-memory for tests, TCP with mutual TLS for real runs.
 *
 * <p>{@link org.twintrain.sharing.channel.Channel} is the contract; {@link org.twintrain.sharing.channel.InMemoryChannel}
 * and {@link org.twintrain.sharing.channel.TlsChannel} implement it and pass the same conformance test body.
 * A real pair is opened with {@link org.twintrain.sharing.channel.TlsChannelServer#accept} on one server and
 * {@link org.twintrain.sharing.channel.TlsChannel#connect} on the other, each with its own
 * {@link org.twintrain.sharing.channel.PeerIdentity} (made by {@link org.twintrain.sharing.channel.IdentityTool}),
 * the other's pinned certificate, a {@link org.twintrain.sharing.channel.ChannelConfig} and the run id that
 * pairs task j of server 0 with task j of server 1.
 */
package org.twintrain.sharing.channel;
