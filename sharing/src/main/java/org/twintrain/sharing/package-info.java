/**
 * The two-party arithmetic core of TwinTrain, with no Spark dependency: the ring Z_2^64 and fixed point
 * ({@code ring}), the peer channel ({@code channel}), correlated randomness ({@code triples}), the two-party
 * protocols ({@code protocol}) and the arithmetic interface with its double, fixed-point and two-party
 * implementations ({@code arith}).
 */
package org.twintrain.sharing;
