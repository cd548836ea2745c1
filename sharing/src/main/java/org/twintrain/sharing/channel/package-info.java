/** The peer channel between the two servers' task pairs: in-memory for tests, TCP with mutual TLS for real runs. */
package org.twintrain.sharing.channel;
