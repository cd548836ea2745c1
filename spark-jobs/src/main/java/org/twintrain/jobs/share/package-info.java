/** The data owners' share job: prepared Parquet in, one additive half per server store out. */
package org.twintrain.jobs.share;
