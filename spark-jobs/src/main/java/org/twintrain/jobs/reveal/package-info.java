/** The model owner's reveal: both servers' model shares in, the cleartext model out. */
package org.twintrain.jobs.reveal;
