/** The ring Z_2^64 on {@code long}, the fixed-point codec, ring matrices and their product, the AES-CTR PRG and share splitting. */
package org.twintrain.sharing.ring;
